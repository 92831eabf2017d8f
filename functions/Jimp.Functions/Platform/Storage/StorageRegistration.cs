using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform.Storage;

public static class StorageRegistration
{
    /// <summary>Table and Blob clients, registered once, with the limits guard and the request counter in their pipelines.</summary>
    public static IServiceCollection AddJimpStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<StorageRequestCounter>();

        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clientOptions = new TableClientOptions();
            Configure(clientOptions, options, sp);
            clientOptions.AddPolicy(new TableLimitsPolicy(), HttpPipelinePosition.PerCall);
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new TableServiceClient(options.TableServiceUri, sp.GetRequiredService<TokenCredential>(), clientOptions)
                : new TableServiceClient(options.ConnectionString, clientOptions);
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clientOptions = new BlobClientOptions();
            Configure(clientOptions, options, sp);
            return string.IsNullOrWhiteSpace(options.ConnectionString)
                ? new BlobServiceClient(options.BlobServiceUri, sp.GetRequiredService<TokenCredential>(), clientOptions)
                : new BlobServiceClient(options.ConnectionString, clientOptions);
        });
        services.TryAddSingleton<JimpStorage>();
        return services;
    }

    private static void Configure(ClientOptions options, StorageOptions storage, IServiceProvider services)
    {
        options.Retry.MaxRetries = storage.MaxRetries;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.Delay = storage.RetryDelay;
        options.Retry.NetworkTimeout = storage.NetworkTimeout;
        // Per call, outside the retries: what is still failing once they are spent is "storage unavailable" (a 503).
        options.AddPolicy(new StorageAvailabilityPolicy(), HttpPipelinePosition.PerCall);
        // Per retry: every request that really goes on the wire is counted, retries included.
        options.AddPolicy(services.GetRequiredService<StorageRequestCounter>(), HttpPipelinePosition.PerRetry);
        // Policies a host adds (the fault suite's injected storage failures), closest to the wire.
        foreach (var policy in services.GetServices<IStorageWirePolicy>())
        {
            options.AddPolicy(policy.Policy, HttpPipelinePosition.BeforeTransport);
        }
    }
}

/// <summary>
/// A pipeline policy placed just before the transport of both storage clients, inside the retries. None in
/// Azure; the tests register one that injects storage faults (timeouts, 503s, refused connections) on the wire.
/// </summary>
public interface IStorageWirePolicy
{
    HttpPipelinePolicy Policy { get; }
}
