using System.Net;
using Jimp.Functions.Accounts;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jimp.Tests.Platform;

/// <summary>Tests that share a DevHost each see their own storage, clock and logs, through HTTP, direct calls and orchestrations.</summary>
public sealed class SharedHostTests(SharedHost shared) : IClassFixture<SharedHost>
{
    [Fact]
    public async Task Two_views_of_one_host_see_only_their_own_tables_blobs_clock_and_logs()
    {
        await using var first = shared.ForTest();
        await using var second = shared.ForTest();
        Assert.NotEqual(first.Prefix, second.Prefix);

        // Through HTTP, and through an orchestration (the export runs its activities in the engine's own threads).
        var user = await Users.SignUpAsync(first);
        await PrivacyFixture.ExportAndWaitAsync(first, user);
        var firstTables = await first.ScanTablesAsync();
        var firstBlobs = await first.ScanBlobsAsync();
        Assert.Contains(firstTables, l => l.StartsWith(first.Prefix + "users:", StringComparison.Ordinal) && l.Contains(user.UserId, StringComparison.Ordinal));
        Assert.NotEmpty(firstBlobs);
        Assert.All(firstTables, l => Assert.StartsWith(first.Prefix, l, StringComparison.Ordinal));

        Assert.Empty(await second.ScanTablesAsync());
        Assert.Empty(await second.ScanBlobsAsync());
        using (var me = await second.Client.GetAsync("/api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
        // The first user's session means nothing under the second prefix.
        using var stranger = new UserClient(second, user.Email, user.Cookie, user.UserId);
        using (var me = await stranger.GetAsync("/api/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
        // Direct calls follow the view whose Services were read last.
        Assert.Null(await second.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default));
        Assert.NotNull(await first.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default));

        // Clocks: moving one test's clock moves only that test's "now" in the app.
        first.Clock.Advance(TimeSpan.FromDays(40));
        Assert.Equal(JimpTestHost.Start.AddDays(40), first.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        Assert.Equal(JimpTestHost.Start, second.Services.GetRequiredService<TimeProvider>().GetUtcNow());

        // Logs: a line written for the first test is in its logs and the host's, not in the second's.
        var marker = Guid.NewGuid().ToString("N");
        first.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Probe").LogInformation("marker {Marker}", marker);
        Assert.Contains(first.Logs.Lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.Contains(shared.Host.Logs.Lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.DoesNotContain(second.Logs.Lines, l => l.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_host_starts_once_for_the_class()
    {
        await using var view = shared.ForTest();
        Assert.Same(shared.Host.App, view.App);
        Assert.Equal(shared.Host.Address, view.Address);
        Assert.NotEqual(shared.Host.Prefix, view.Prefix);
        Assert.True(JimpTestHost.Started.Starts >= 1);
    }
}
