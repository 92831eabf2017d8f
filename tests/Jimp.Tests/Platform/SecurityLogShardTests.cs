using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Platform;

/// <summary>User-less security events (sign-up attempts, unknown addresses) spread over 16 partitions, not one hot one.</summary>
public sealed class SecurityLogShardTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task User_less_events_spread_over_the_shards_and_are_read_back_newest_first_with_old_shape_rows()
    {
        var log = host.Services.GetRequiredService<SecurityLog>();
        var client = new ClientInfo("192.0.2.0/24", "Firefox");
        // A row from before the shards, in the single partition.
        var month = await host.Storage.TableAsync(SecurityLog.TableFor(host.Clock.GetUtcNow()));
        var oldKey = (DateTimeOffset.MaxValue.UtcTicks - host.Clock.GetUtcNow().AddMinutes(-5).UtcTicks).ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + "-00000000";
        await month.AddEntityAsync(new TableEntity(SecurityLog.Anonymous, oldKey) { ["At"] = host.Clock.GetUtcNow().AddMinutes(-5), ["Event"] = "old-shape" });
        for (var i = 0; i < 160; i++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await log.WriteAsync(SecurityEvents.LinkRequested, null, client, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var partitions = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var e in month.QueryAsync<TableEntity>(select: ["PartitionKey"])) partitions[e.PartitionKey] = partitions.GetValueOrDefault(e.PartitionKey) + 1;
        Assert.Equal(1, partitions[SecurityLog.Anonymous]);
        var shards = partitions.Where(p => p.Key.StartsWith(SecurityLog.Anonymous + "-", StringComparison.Ordinal)).ToList();
        Assert.Equal(SecurityLog.AnonymousShards, shards.Count);
        Assert.All(shards, s => Assert.InRange(s.Value, 1, 40)); // 10 each on average; none takes them all

        var recent = await log.RecentAsync(SecurityLog.Anonymous, 5, 1, default);
        Assert.Equal(["159", "158", "157", "156", "155"], recent.Select(e => e.Detail));
        var all = await log.RecentAsync(SecurityLog.Anonymous, 500, 1, default);
        Assert.Equal(161, all.Count);
        Assert.Equal("old-shape", all[^1].Event);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.At >= p.Second.At), "newest first across shards");
    }
}
