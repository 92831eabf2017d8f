using System.Collections.Concurrent;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Privacy;

/// <summary>
/// The policy's <see cref="PolicySchedule"/> with the completed announcements read from <c>policyannouncements</c>
/// (a handful of rows), kept for a minute per storage prefix; an announcement that completes here forgets it at once.
/// </summary>
public sealed class PolicyCalendar(PolicyDocuments documents, JimpStorage storage, TimeProvider clock)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, PolicySchedule Schedule)> cache = new(StringComparer.Ordinal);

    public PolicyDocuments Documents => documents;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public async ValueTask<PolicySchedule> GetAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(storage.Prefix, out var hit) && (now - hit.At).Duration() < Fresh) return hit.Schedule;
        var schedule = documents.Schedule(await CompletedAnnouncementsAsync(storage, PolicyAnnouncements.Partition, cancellationToken));
        cache[storage.Prefix] = (now, schedule);
        return schedule;
    }

    /// <summary>The version in force today, with the announcements taken into account.</summary>
    public async ValueTask<PolicyVersion> CurrentAsync(CancellationToken cancellationToken) => (await GetAsync(cancellationToken)).Current(Today);

    public void Forget() => cache.Clear();

    /// <summary>
    /// When each version's announcement finished mailing everyone, from the markers of one document (partition
    /// <c>announcement</c> for the policy, <c>terms</c> for the CGU) in <c>policyannouncements</c>: one query.
    /// </summary>
    internal static async Task<Dictionary<string, DateTimeOffset>> CompletedAnnouncementsAsync(JimpStorage storage, string partition, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(PolicyAnnouncements.Table, cancellationToken);
        var completed = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (var marker in table.QueryAsync<TableEntity>(x => x.PartitionKey == partition, select: ["RowKey", "CompletedAt"], cancellationToken: cancellationToken))
        {
            if (marker.GetDateTimeOffset("CompletedAt") is { } at) completed[marker.RowKey] = at;
        }
        return completed;
    }
}
