using System.Net;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Jimp.Functions.Trends;

public static class TrendsRegistration
{
    /// <summary>The trend refresh, its Creative Center client, the store, the import and the API's service.</summary>
    public static IServiceCollection AddTrends(this IServiceCollection services)
    {
        // The lists get their defaults after binding, before validation.
        services.AddOptions<TrendsOptions>().BindConfiguration(TrendsOptions.Section)
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<TrendStore>();
        services.TryAddSingleton<TrendService>();
        services.TryAddSingleton<TrendImporter>();
        services.AddNonPersonalStore(TrendStore.TableName, "Public, aggregate TikTok trends; creator names and avatars are dropped before storage.");
        // The coach reads the same trends as GET /api/trends.
        services.Replace(ServiceDescriptor.Singleton<Coaching.ITrendReader, TrendReader>());

        services.AddTransient<CreativeCenterAllowlist>();
        services.AddHttpClient<CreativeCenterClient>(CreativeCenterClient.HttpClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<TrendsOptions>>().Value;
                if (options.BaseUrl is { } baseUrl)
                {
                    // A trailing slash, so relative paths land under the base path.
                    http.BaseAddress = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
                }
                foreach (var (name, value) in options.Headers)
                {
                    http.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
                }
                http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
                // The resilience handler's total timeout governs; this is only a backstop.
                http.Timeout = options.TotalTimeout + TimeSpan.FromSeconds(5);
            })
            // The standard resilience handler's strategies, in its order (total timeout, retry, circuit breaker,
            // attempt timeout), with its HTTP defaults, composed here for one reason: Polly takes its clock from
            // DI, and network timeouts and retry delays must follow the wall clock even where the app's clock is
            // fake (tests) or shifted. Retries only for 429, 5xx, 408 and timeouts.
            .AddResilienceHandler("creative-center", (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<TrendsOptions>>().Value;
                builder.TimeProvider = TimeProvider.System;
                builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total-timeout", Timeout = options.TotalTimeout });
                if (options.MaxRetries > 0)
                {
                    builder.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        Delay = options.RetryDelay,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome)),
                    });
                }
                builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, options.AttemptTimeout.Ticks * 2)),
                    ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome)),
                });
                builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt-timeout", Timeout = options.AttemptTimeout });
            });
        // Innermost: sees every attempt exactly as it goes on the wire.
        services.AddHttpClient(CreativeCenterClient.HttpClientName).AddHttpMessageHandler<CreativeCenterAllowlist>()
            // Never follow a redirect: it would carry the request's headers (the source's session headers) to
            // wherever the answer points. A 3xx is a failed page like any other status.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        return services;
    }

    /// <summary>Retry only what may pass: 429, 5xx, 408 and timeouts. Never a 4xx, an HTML page or an API error code.</summary>
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)response.StatusCode >= 500,
        _ => false,
    };
}
