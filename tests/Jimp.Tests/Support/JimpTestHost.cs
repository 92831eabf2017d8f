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
/// a fake clock, and the logs it writes. Most tests do not start one: they share one per class or collection
/// (<see cref="SharedHost"/>) and take their own view of it with <see cref="ForTest"/>: a fresh storage prefix, clock,
/// logs and clients, so each test still starts from empty storage at the same date.
/// </summary>
public sealed class JimpTestHost : IAsyncDisposable
{
    public const string PublicBaseUrl = "http://127.0.0.1:7071";

    /// <summary>Azurite's well-known development account.</summary>
    public const string StorageConnectionString = "UseDevelopmentStorage=true";
    public const string FunctionKey = "test-function-key";

    /// <summary>The date every test's clock starts at.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private readonly TestClock clocks;
    private readonly JimpTestHost? shared;

    private JimpTestHost(WebApplication app, Uri address, string prefix, TestClock clocks, CapturedLogs logs, JimpTestHost? shared)
    {
        App = app;
        Address = address;
        Prefix = prefix;
        this.clocks = clocks;
        this.shared = shared;
        Clock = clocks.For(prefix);
        Logs = logs;
        Client = NewClient();
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>This test's (or this host's) storage prefix.</summary>
    public string Prefix { get; }

    /// <summary>This test's clock: what the app reads as "now" for the work done for this test.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>The lines the app logged for this test (for a shared host: while this test ran, or under its prefix).</summary>
    public CapturedLogs Logs { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// The app's services. Reading this property makes the calling test's flow use this test's storage prefix,
    /// so services called directly (stores, timers' services) read and write this test's tables.
    /// </summary>
    public IServiceProvider Services
    {
        get
        {
            UsePrefix();
            return App.Services;
        }
    }

    /// <summary>The host's storage request counter. Shared by the tests of a shared host, which run one at a time: count with Snapshot/Since.</summary>
    public StorageRequestCounter Counter => Services.GetRequiredService<StorageRequestCounter>();

    public JimpStorage Storage => Services.GetRequiredService<JimpStorage>();

    /// <summary>Every entity of every table of this host (its prefix), as "table: key=value; ..." lines.</summary>
    public Task<IReadOnlyList<string>> ScanTablesAsync() => StorageScan.TablesAsync(Storage);

    /// <summary>Every blob of this host's containers, as "container/name: content" (text content only).</summary>
    public Task<IReadOnlyList<string>> ScanBlobsAsync() => StorageScan.BlobsAsync(Storage);

    private static int starts;
    private static long startTicks;

    /// <summary>DevHosts started in this test run, and the time their starts took (summed over parallel starts).</summary>
    public static (int Starts, TimeSpan Time) Started => (Volatile.Read(ref starts), TimeSpan.FromTicks(Interlocked.Read(ref startTicks)));

    private static readonly object StatsLock = new();

    /// <summary>
    /// Rewrites artifacts/devhost-starts-{pid}.txt after every start (the runner may end the process before any exit
    /// handler): ./test.sh and ./bench.sh print it, since how many hosts a run starts is a figure to keep down.
    /// </summary>
    private static void WriteStats()
    {
        var (count, time) = Started;
        lock (StatsLock)
        {
            try
            {
                var folder = Path.Combine(TestAzurite.RepositoryRoot, "artifacts");
                Directory.CreateDirectory(folder);
                File.WriteAllText(Path.Combine(folder, $"devhost-starts-{Environment.ProcessId}.txt"),
                    FormattableString.Invariant($"{count} DevHost starts, {time.TotalSeconds:0.0} s spent starting them (summed over parallel starts)\n"));
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Starts a host of its own. Prefer a <see cref="SharedHost"/> (one per class or collection) unless the test needs
    /// settings or services of its own.
    /// </summary>
    public static async Task<JimpTestHost> StartAsync(Action<JimpTestHostOptions>? configure = null)
    {
        // Whatever prefix the caller's flow uses is not the new host's: its server loops start from here.
        ScopedStoragePrefix.Use(null);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await TestAzurite.EnsureAsync();
        await TestSmtp.EnsureAsync();
        var options = new JimpTestHostOptions();
        configure?.Invoke(options);
        var prefix = NewPrefix();
        var clock = new TestClock();
        var logs = new CapturedLogs();
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:ConnectionString"] = StorageConnectionString,
            ["Storage:Prefix"] = prefix,
            ["App:PublicBaseUrl"] = PublicBaseUrl,
            // As deployed (bicep/modules/functionapp.bicep): one trusted proxy, Azure's front end, appends X-Forwarded-For.
            ["ClientAddress:TrustedProxyHops"] = "1",
            ["DevHost:StartAzurite"] = "false",
            // Every host its own keyed-hash key, as every deployment has its own secret.
            ["KeyedHash:Key"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["DevHost:RunTimers"] = "false",
            ["DevHost:FunctionKey"] = FunctionKey,
            ["DevHost:ScopedStoragePrefixes"] = "true",
            ["DevHost:WebRoot"] = Path.Combine(TestAzurite.RepositoryRoot, "web", "dist"),
            // Every test signs up from 127.0.0.1: the per-IP limits are tested on their own, with their real values.
            ["Accounts:LinksPerIpPerHour"] = "10000",
            ["Accounts:VerificationsPerIpPerHour"] = "10000",
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
            options.Services?.Invoke(builder.Services);
        }, functions);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Interlocked.Increment(ref starts);
        Interlocked.Add(ref startTicks, watch.Elapsed.Ticks);
        WriteStats();
        return new JimpTestHost(app, new Uri(address), prefix, clock, logs, shared: null);
    }

    /// <summary>
    /// This host as one test sees it: a fresh storage prefix (so empty storage), its own clock at <see cref="Start"/>,
    /// its own logs and clients. Requests of its clients carry the prefix; reading <see cref="Services"/> or
    /// <see cref="Storage"/> sets it for the test's own calls; orchestrations keep it for their activities.
    /// Disposing the view disposes its clients, not the host.
    /// </summary>
    public JimpTestHost ForTest()
    {
        var host = shared ?? this;
        var prefix = NewPrefix();
        var view = new JimpTestHost(host.App, host.Address, prefix, host.clocks, host.Logs.ForPrefix(prefix), host);
        view.UsePrefix();
        return view;
    }

    private static string NewPrefix() => "t" + Guid.NewGuid().ToString("N")[..11];

    /// <summary>Makes the calling flow use this test's prefix (a no-op for a host of its own: its prefix is configured).</summary>
    private void UsePrefix() => ScopedStoragePrefix.Use(shared is null ? null : Prefix);

    /// <summary>A new client with its own cookies (another browser).</summary>
    public HttpClient NewClient()
    {
        var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (shared is not null) client.DefaultRequestHeaders.Add(ScopedStoragePrefix.Header, Prefix);
        return client;
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
        if (shared is not null)
        {
            Logs.Dispose();
            clocks.Forget(Prefix);
            return;
        }
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
