using System.Net.Http.Json;
using Jimp.DevHost;
using Jimp.Functions.Platform.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Jimp.Tests.Support;

public sealed class JimpTestHostOptions
{
    /// <summary>Configuration on top of the test defaults (":"-separated keys).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra functions (probes) hosted beside JIMP's own.</summary>
    public List<FunctionDescriptor> ExtraFunctions { get; } = [];

    public Action<IServiceCollection>? Services { get; set; }
}

/// <summary>
/// A real DevHost on a random loopback port with its own storage prefix (so tests run in parallel), Azurite,
/// a fake clock, and the logs it writes.
/// </summary>
public sealed class JimpTestHost : IAsyncDisposable
{
    public const string PublicBaseUrl = "http://127.0.0.1:7071";

    /// <summary>Azurite's well-known development account.</summary>
    public const string StorageConnectionString = "UseDevelopmentStorage=true";
    public const string FunctionKey = "test-function-key";

    private JimpTestHost(WebApplication app, Uri address, string prefix, FakeTimeProvider clock, CapturedLogs logs)
    {
        App = app;
        Address = address;
        Prefix = prefix;
        Clock = clock;
        Logs = logs;
        Client = NewClient();
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public string Prefix { get; }

    public FakeTimeProvider Clock { get; }

    public CapturedLogs Logs { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public StorageRequestCounter Counter => Services.GetRequiredService<StorageRequestCounter>();

    public JimpStorage Storage => Services.GetRequiredService<JimpStorage>();

    /// <summary>Every entity of every table of this host (its prefix), as "table: key=value; ..." lines.</summary>
    public Task<IReadOnlyList<string>> ScanTablesAsync() => StorageScan.TablesAsync(Storage);

    /// <summary>Every blob of this host's containers, as "container/name: content" (text content only).</summary>
    public Task<IReadOnlyList<string>> ScanBlobsAsync() => StorageScan.BlobsAsync(Storage);

    public static async Task<JimpTestHost> StartAsync(Action<JimpTestHostOptions>? configure = null)
    {
        await TestAzurite.EnsureAsync();
        await TestSmtp.EnsureAsync();
        var options = new JimpTestHostOptions();
        configure?.Invoke(options);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..11];
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:ConnectionString"] = StorageConnectionString,
            ["Storage:Prefix"] = prefix,
            ["App:PublicBaseUrl"] = PublicBaseUrl,
            ["KeyedHash:Key"] = "dGVzdC1rZXllZC1oYXNoLWtleS1ub3QtYS1zZWNyZXQtMDA=",
            ["DevHost:StartAzurite"] = "false",
            ["DevHost:RunTimers"] = "false",
            ["DevHost:FunctionKey"] = FunctionKey,
            ["DevHost:WebRoot"] = Path.Combine(TestAzurite.RepositoryRoot, "web", "dist"),
            // Every test signs up from 127.0.0.1: the per-IP limits are tested on their own, with their real values.
            ["Accounts:LinksPerIpPerHour"] = "10000",
            ["Accounts:VerificationsPerIpPerHour"] = "10000",
            ["Retention:HousekeepingSchedule"] = "0 15 * * * *",
            ["Retention:InactivitySchedule"] = "0 0 4 * * *",
            ["Insights:Schedule"] = "0 45 4 * * 1",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:Grpc"] = "Warning",
            ["Logging:LogLevel:Azure"] = "Warning",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }
        var functions = FunctionCatalog.Jimp.Concat(options.ExtraFunctions).ToList();
        var app = DevHostApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            builder.Services.RemoveAll<TimeProvider>();
            builder.Services.AddSingleton<TimeProvider>(clock);
            builder.Services.AddSingleton(clock);
            options.Services?.Invoke(builder.Services);
        }, functions);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new JimpTestHost(app, new Uri(address), prefix, clock, logs);
    }

    /// <summary>A new client with its own cookies (another browser).</summary>
    public HttpClient NewClient()
    {
        var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false };
        return new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Calls an operator function (or <c>/admin/</c>) with the function key, as the owner does.</summary>
    public async Task<HttpResponseMessage> OperatorAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        request.Headers.Add("x-functions-key", FunctionKey);
        return await Client.SendAsync(request);
    }

    /// <summary>Runs a timer now, like <c>POST /admin/functions/{name}</c> on the Functions host.</summary>
    public async Task RunTimerAsync(string name)
    {
        using var response = await OperatorAsync(HttpMethod.Post, $"/admin/functions/{name}", new { });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted,
            $"{name} answered {(int)response.StatusCode}: " + string.Join("\n", Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(3)));
    }

    /// <summary>The host's first errors and warnings, to explain a test's failure.</summary>
    public string Troubles() =>
        string.Join("\n", Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal)).Take(5));

    /// <summary>Waits for an orchestration to finish, 60 s at most (CI shares 2 cores), and returns its final state.</summary>
    public async Task<OrchestrationMetadata> WaitForOrchestrationAsync(string instanceId)
    {
        var durable = Services.GetRequiredService<DurableTaskClient>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            return await durable.WaitForInstanceCompletionAsync(instanceId, patience.Token);
        }
        catch (OperationCanceledException)
        {
            var state = await durable.GetInstanceAsync(instanceId);
            throw new TimeoutException($"{instanceId} did not finish in 60 s ({state?.RuntimeStatus}). {Troubles()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
