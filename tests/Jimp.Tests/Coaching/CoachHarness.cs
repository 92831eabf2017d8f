using Jimp.Functions.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Jimp.Tests.Coaching;

/// <summary>The coaching services as <c>AddCoaching()</c> registers them, on settings chosen by the test.</summary>
internal sealed class CoachHarness : IDisposable
{
    private readonly ServiceProvider provider;

    public CoachHarness(Dictionary<string, string?> settings, ITrendReader? trends = null, Azure.Core.TokenCredential? credential = null, System.Security.Cryptography.X509Certificates.X509Certificate2? trustedServerCertificate = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(Logs));
        if (trends is not null)
        {
            services.AddSingleton(trends);
        }
        if (credential is not null)
        {
            services.AddSingleton(credential);
        }
        services.AddCoaching();
        if (trustedServerCertificate is not null)
        {
            // The model's HTTP client trusts exactly the fake server's self-signed certificate (last primary handler wins).
            services.AddHttpClient(ModelClients.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == trustedServerCertificate.GetCertHashString() },
            });
        }
        // No ValidateOnBuild: AddCoaching also registers the chat's stores, which need storage this harness leaves out.
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
    }

    public CapturedLogs Logs { get; } = new();

    public CoachService Coach => provider.GetRequiredService<CoachService>();

    public T Get<T>() where T : notnull => provider.GetRequiredService<T>();

    public static Dictionary<string, string?> Azure(FakeOpenAIServer server, params (string Key, string Value)[] extra) => With(new()
    {
        ["Model:Provider"] = ModelOptions.AzureOpenAI,
        ["Model:Endpoint"] = server.Address.ToString(),
        ["Model:Deployment"] = "gpt-4o-eu",
        ["Model:ApiKey"] = FakeOpenAIServer.ApiKey,
    }, extra);

    public static Dictionary<string, string?> OpenAICompatible(FakeOpenAIServer server, params (string Key, string Value)[] extra) => With(new()
    {
        ["Model:Provider"] = ModelOptions.OpenAICompatible,
        ["Model:Endpoint"] = server.OpenAIEndpoint.ToString(),
        ["Model:Name"] = "llama3.1",
        ["Model:ApiKey"] = FakeOpenAIServer.ApiKey,
    }, extra);

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, (string Key, string Value)[] extra)
    {
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return settings;
    }

    public static CoachProfile Profile(string language = "fr", string style = ProfileOptions.StepByStep, string level = ProfileOptions.Beginner) => new()
    {
        Niches = ["beauty", "home"],
        Goals = ["first-sale", "consistency"],
        MonthlyCommissionTargetEur = 300,
        Experience = level,
        LearningStyle = style,
        Country = "FR",
        Language = language,
    };

    public static async Task<(string Text, CoachFinal Final, List<CoachUpdate> Updates)> RunAsync(CoachService coach, CoachRequest request, CancellationToken cancellationToken = default)
    {
        var updates = new List<CoachUpdate>();
        var text = new System.Text.StringBuilder();
        await foreach (var update in coach.StreamReplyAsync(request, cancellationToken))
        {
            updates.Add(update);
            switch (update)
            {
                case CoachTextDelta delta: text.Append(delta.Text); break;
                case CoachReset: text.Clear(); break;
            }
        }
        var final = Assert.IsType<CoachFinal>(updates[^1]);
        Assert.Single(updates.OfType<CoachFinal>());
        Assert.Equal(final.Text, text.ToString());
        return (text.ToString(), final, updates);
    }

    public void Dispose() => provider.Dispose();
}

/// <summary>A trend reader that returns what the test gives it.</summary>
internal sealed class FixedTrends(params TrendItem[] items) : ITrendReader
{
    public int Calls { get; private set; }

    public Task<IReadOnlyList<TrendItem>> TopForAsync(string country, IReadOnlyList<string> nicheIds, int max, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult<IReadOnlyList<TrendItem>>(items.Where(i => i.Country == country).Take(max).ToList());
    }
}
