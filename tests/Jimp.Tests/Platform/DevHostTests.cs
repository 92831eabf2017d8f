using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Jimp.DevHost;
using Jimp.Functions.Platform;
using Jimp.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Platform;

public sealed class DevHostTests(ProbeHost shared) : IClassFixture<ProbeHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Hosts_watch_no_files_so_that_many_at_once_do_not_exhaust_inotify()
    {
        var before = InotifyInstances();
        await using (var first = await JimpTestHost.StartAsync())
        await using (var second = await JimpTestHost.StartAsync())
        {
            // Both serve (the policy, which needs no storage: health's 3-second storage probe can time out on a loaded machine).
            Assert.Equal(HttpStatusCode.OK, (await first.Client.GetAsync("/api/policy")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await second.Client.GetAsync("/api/policy")).StatusCode);
            Assert.Equal(before, InotifyInstances()); // the app's host and the Durable Task engine's host each watched appsettings files
        }
        var root = (IConfigurationRoot)host.Services.GetRequiredService<IConfiguration>();
        Assert.All(root.Providers.OfType<FileConfigurationProvider>(), f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched"));
    }

    /// <summary>The inotify instances this process holds: Linux allows 128 per user by default.</summary>
    private static int InotifyInstances() =>
        new DirectoryInfo("/proc/self/fd").GetFileSystemInfos().Count(fd => fd.LinkTarget == "anon_inode:inotify");

    [Fact]
    public void Route_table_equals_the_http_trigger_attributes_of_the_app()
    {
        // Read the attributes independently of the DevHost's catalog.
        var expected = typeof(JimpServiceCollectionExtensions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .Select(m => (Method: m, Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Trigger is not null && x.Method.GetCustomAttribute<FunctionAttribute>() is not null)
            .SelectMany(x => x.Trigger!.Methods!.Select(verb => $"{verb.ToUpperInvariant()} /{x.Trigger.Route}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(expected);

        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<FunctionDescriptor>() is { } f && f.Type.Assembly == typeof(JimpServiceCollectionExtensions).Assembly)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(verb => $"{verb} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, mapped);
    }

    [Fact]
    public async Task Every_function_is_listed_with_its_trigger_kind()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/functions");
        request.Headers.Add("x-functions-key", JimpTestHost.FunctionKey);
        using var response = await host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var listed = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("trigger").GetString()!);

        var declared = typeof(JimpServiceCollectionExtensions).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null)
            .ToList();
        Assert.NotEmpty(declared);
        foreach (var method in declared)
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()!.Name;
            Assert.True(listed.ContainsKey(name), $"{name} is not hosted by the DevHost");
        }
        Assert.Equal("timer", listed[nameof(ProbeFunctions.ProbeTimer)]);
        Assert.Equal("orchestration", listed[nameof(ProbeFunctions.ProbeOrchestration)]);
        Assert.Equal("activity", listed[nameof(ProbeFunctions.ProbeActivity)]);
        Assert.Equal("http", listed["Health"]);
    }

    [Fact]
    public async Task Admin_endpoint_runs_a_timer_now_with_its_services_from_DI()
    {
        var state = host.Services.GetRequiredService<ProbeState>();
        var before = state.Hits;
        await host.RunTimerAsync(nameof(ProbeFunctions.ProbeTimer));
        Assert.Equal(before + 1, state.Hits);
    }

    [Fact]
    public async Task Admin_endpoint_needs_the_function_key()
    {
        using var response = await host.Client.PostAsync($"/admin/functions/{nameof(ProbeFunctions.ProbeTimer)}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public void Timer_schedule_expands_settings_and_reads_six_fields()
    {
        var timers = host.Services.GetRequiredService<TimerFunctions>();
        var probe = ProbeFunctions.All.Single(f => f.Name == nameof(ProbeFunctions.ProbeTimer));
        var next = timers.ScheduleOf(probe).GetNextOccurrence(new DateTime(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc));
        Assert.Equal(new DateTime(2026, 11, 29, 3, 0, 0, DateTimeKind.Utc), next);
    }

    [Fact]
    public async Task Orchestration_replays_and_its_activities_get_services_from_DI()
    {
        var state = host.Services.GetRequiredService<ProbeState>();
        var hitsBefore = state.Hits;
        var runsBefore = ProbeState.OrchestratorRuns;

        using var response = await host.Client.PostAsync("/api/probe/orchestrations", null);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Completed", body.GetProperty("status").GetString());
        Assert.Equal(3, body.GetProperty("output").GetInt32());
        Assert.Equal(hitsBefore + 3, state.Hits);
        // One first run plus one replay per completed activity at least: replay really happens.
        Assert.True(ProbeState.OrchestratorRuns - runsBefore >= 4, $"the orchestrator ran {ProbeState.OrchestratorRuns - runsBefore} times");
    }

    [Fact]
    public async Task Operator_functions_need_the_function_key()
    {
        using var anonymous = await host.Client.GetAsync("/api/probe/operator");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/probe/operator");
        request.Headers.Add("x-functions-key", JimpTestHost.FunctionKey);
        using var keyed = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
    }

    [Fact]
    public async Task Root_serves_the_web_app_with_security_headers()
    {
        using var response = await host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
    }
}
