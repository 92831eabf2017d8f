using System.Diagnostics;
using Jimp.Functions.Accounts;
using Jimp.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Accounts;

/// <summary>Storage cost of checking the session of an authenticated request. Prints its figures.</summary>
[Trait("Category", Bench.Category)]
public sealed class SessionCheckBenchmarks(ITestOutputHelper output)
{
    [Fact]
    public async Task Session_check_costs_one_point_read_and_at_most_one_write_an_hour()
    {
        await using var host = await JimpTestHost.StartAsync();
        using var user = await Users.SignUpAsync(host);
        var auth = host.Services.GetRequiredService<SessionAuth>();
        HttpRequest Request()
        {
            var context = new DefaultHttpContext();
            context.Request.Method = "GET";
            context.Request.Headers.Cookie = $"jimp_session={user.Cookie}";
            return context.Request;
        }

        // Warm up: tables exist, clients are connected.
        await auth.RequireUserAsync(Request(), default);

        var checks = Bench.Size(60, 200);
        var latencies = new List<double>(checks);
        var before = host.Counter.Snapshot();
        for (var i = 0; i < checks; i++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(10)); // at most 200 checks, spread over 33 minutes
            var watch = Stopwatch.StartNew();
            await auth.RequireUserAsync(Request(), default);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        var withinHour = host.Counter.Snapshot().Since(before);

        host.Clock.Advance(TimeSpan.FromMinutes(61));
        var beforeTouch = host.Counter.Snapshot();
        await auth.RequireUserAsync(Request(), default);
        await auth.RequireUserAsync(Request(), default);
        var afterHour = host.Counter.Snapshot().Since(beforeTouch);

        latencies.Sort();
        output.WriteLine($"session check: {checks} checks within the hour → {withinHour}; {(double)withinHour.Total / checks:0.00} requests per check");
        output.WriteLine($"after an hour, two checks → {afterHour}");
        output.WriteLine($"latency on Azurite: p50 {latencies[checks / 2]:0.00} ms, p95 {latencies[checks * 95 / 100]:0.00} ms");

        Assert.Equal(checks, withinHour["table:point-read"]);
        Assert.Equal(checks, withinHour.Total);
        Assert.Equal(2, afterHour["table:point-read"]);
        Assert.Equal(1, afterHour["table:merge"]);
        Assert.Equal(3, afterHour.Total);
    }
}
