using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Jimp.Functions.Retention;

public sealed record HousekeepingReport(int Tokens, int Sessions, int RateLimits, int Exports, int PurgedInstances, int MinorBlocks = 0, int ResumedErasures = 0, int ResumedMailings = 0);

/// <summary>
/// Deletes what has outlived its purpose: used or expired sign-in links (after a day), expired sessions (once their
/// expiry day is over),
/// rate-limit windows, exports older than 7 days (blob deleted, record marked expired), and orchestration
/// histories — of erased users at once, of everything else 7 days after completion. Safe to run twice.
/// </summary>
public sealed partial class Housekeeping(JimpStorage storage, AccountStore accounts, TimeProvider clock, ILogger<Housekeeping> logger, ErasureRecovery? erasures = null, Mailings.MailingRecovery? mailings = null)
{
    public static readonly TimeSpan OrchestrationHistoryKept = TimeSpan.FromDays(7);

    [Function(nameof(RunHousekeeping))]
    public async Task RunHousekeeping([TimerTrigger(TimerSchedules.Housekeeping)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var report = await RunAsync(client, cancellationToken);
        LogReport(logger, report.Tokens, report.Sessions, report.RateLimits, report.Exports, report.PurgedInstances);
    }

    public async Task<HousekeepingReport> RunAsync(DurableTaskClient? client, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Once per keyed-hash key: the index rows of before it (plain SHA-256) are rebuilt under it.
        await accounts.RekeyEmailIndexIfNeededAsync(cancellationToken);
        // Once: the sign-in-month index of the accounts of before it (#20); until then inactivity filters all accounts.
        await accounts.BackfillSignInMonthsIfNeededAsync(cancellationToken);
        // Links go as soon as they expire (the policy: 15 minutes), used or not; a late click gets "unknown", which the
        // app words like "expired".
        // Links and rate-limit windows are in hourly expiry buckets: only the due hours are read, and deleted in batches.
        var tokenCount = await SweepAsync(SignInTokens.Table, ExpiryBuckets.Hour(now), now, wholeBucketsOnly: false, cancellationToken);
        // Sessions are in day buckets: a day's rows go once the day is over (a session cannot be used past its ExpiresAt
        // anyway), so the run reads nothing but due rows.
        var sessionCount = await SweepAsync(SessionStore.Table, ExpiryBuckets.Day(now), now, wholeBucketsOnly: true, cancellationToken);
        var rateCount = await SweepAsync(RateLimits.Table, ExpiryBuckets.Hour(now), now, wholeBucketsOnly: false, cancellationToken);
        var exportCount = await ExpireExportsAsync(now, cancellationToken);
        // Unfinished erasures first: a failed one is started again before the purge below could forget it.
        var resumed = client is null || erasures is null ? 0 : await erasures.ResumeUnfinishedAsync(client, cancellationToken);
        // Mailings whose orchestration is gone (a restart of the in-memory engine) or failed continue from their saved place.
        var resumedMailings = client is null || mailings is null ? 0 : await mailings.ResumeUnfinishedAsync(client, cancellationToken);
        var purged = client is null ? 0 : await PurgeAsync(client, now, cancellationToken);
        // A minor's address is blocked for the stated period only (Operators:MinorBlockRetention).
        var blocks = await DeleteExpiredAsync(MinorBlocklist.Table, now, cancellationToken);
        return new HousekeepingReport(tokenCount, sessionCount, rateCount, exportCount, purged, blocks, resumed, resumedMailings);
    }

    private async Task<int> SweepAsync(string tableName, string currentBucket, DateTimeOffset now, bool wholeBucketsOnly, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        return (await ExpiryBuckets.SweepAsync(table, currentBucket, now, wholeBucketsOnly, cancellationToken)).Deleted;
    }

    /// <summary>Deletes the entities whose <c>ExpiresAt</c> is before <paramref name="before"/>.</summary>
    private async Task<int> DeleteExpiredAsync(string tableName, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var deleted = 0;
        var filter = $"ExpiresAt lt datetime'{before.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}'";
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await table.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken);
            deleted++;
        }
        return deleted;
    }

    private async Task<int> ExpireExportsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(ExportRecords.Table, cancellationToken);
        var container = await storage.ContainerAsync(ExportArchiveStore.Container, cancellationToken);
        var expired = 0;
        // Records of before this rule were only marked expired: they go too.
        var filter = $"ExpiresAt le datetime'{now.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}'";
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            // The file first, then its record (the register: 7 days for both); a run cut in between finds the record again.
            await container.DeleteBlobIfExistsAsync(ExportRecords.BlobName(e.PartitionKey, e.RowKey), cancellationToken: cancellationToken);
            await table.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken);
            expired++;
        }
        return expired;
    }

    private async Task<int> PurgeAsync(DurableTaskClient client, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var purged = 0;
        var queue = await storage.TableAsync(ErasureOrchestration.PurgeQueueTable, cancellationToken);
        await foreach (var e in queue.QueryAsync<TableEntity>(x => x.PartitionKey == "instances", cancellationToken: cancellationToken))
        {
            var instance = await client.GetInstanceAsync(e.RowKey, cancellationToken);
            // A failed or terminated erasure whose request is still open was just started again (Running now); any
            // other finished instance is purged.
            if (instance is null || instance.IsCompleted)
            {
                if (instance is not null)
                {
                    purged += await TryAsync(() => client.PurgeInstanceAsync(e.RowKey, cancellationToken), "purge one instance");
                }
                await queue.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken);
            }
        }
        OrchestrationRuntimeStatus[] finished = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        purged += await TryAsync(() => client.PurgeAllInstancesAsync(new PurgeInstancesFilter(now.AddYears(-5), now - OrchestrationHistoryKept, finished), cancellationToken), "purge finished instances older than 7 days");
        return purged;
    }

    /// <summary>
    /// Azure's Durable Functions backend purges; the DevHost's in-process engine has no purge (its history
    /// lives in memory and is gone when the DevHost stops). There the step is skipped and said so.
    /// </summary>
    private async Task<int> TryAsync(Func<Task<PurgeResult>> purge, string what)
    {
        try
        {
            return (await purge()).PurgedInstanceCount;
        }
        catch (NotSupportedException)
        {
            LogPurgeUnsupported(logger, what);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This durable backend cannot {What}; skipped")]
    private static partial void LogPurgeUnsupported(ILogger logger, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "Housekeeping: {Tokens} links, {Sessions} sessions, {RateLimits} rate-limit windows, {Exports} exports expired, {Purged} orchestration histories purged")]
    private static partial void LogReport(ILogger logger, int tokens, int sessions, int rateLimits, int exports, int purged);
}
