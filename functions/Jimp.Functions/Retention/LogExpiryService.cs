using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Retention;

/// <summary>What one expiry run did.</summary>
public sealed record LogExpiryReport(DateOnly Cutoff, int TablesListed, IReadOnlyList<string> Deleted);

/// <summary>
/// Deletes month-sharded log tables (<see cref="MonthlyLogTables"/>) once they are old enough, whole: one list of
/// the tables (one query per 1,000 tables) and one delete request per expired month and family, never entity by
/// entity, so the cost grows with the number of months, not with the number of entries.
/// </summary>
public sealed partial class LogExpiryService(
    MonthlyLogTables logTables,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<LogExpiryService> logger)
{
    /// <summary>
    /// The first month kept. The table of month M is deleted when M (its first day) is before the first day of
    /// the month <c>LogMonths</c> months before now (UTC). With 12 months, on 2026-11-28 the cutoff is 2025-11-01:
    /// <c>...log202510</c> and older are deleted, <c>...log202511</c> is kept until 2026-12-01 00:00 UTC. So an entry
    /// is kept at least 12 full months and less than 13.
    /// </summary>
    public static DateOnly CutoffFor(DateTimeOffset now, int logMonths)
    {
        var utc = now.UtcDateTime;
        return new DateOnly(utc.Year, utc.Month, 1).AddMonths(-logMonths);
    }

    public async Task<LogExpiryReport> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = CutoffFor(clock.GetUtcNow(), options.Value.LogMonths);
        var tables = await logTables.ListAsync(cancellationToken);
        var deleted = new List<string>();
        foreach (var table in tables.Where(t => t.Month < cutoff))
        {
            await logTables.DeleteAsync(table, cancellationToken);
            deleted.Add(table.Name);
            LogDeleted(logger, table.Name);
        }
        LogDone(logger, tables.Count, deleted.Count, cutoff);
        return new LogExpiryReport(cutoff, tables.Count, deleted);
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Deleted expired log table {Table}")]
    private static partial void LogDeleted(ILogger logger, string table);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Log expiry: {Listed} monthly log tables, {Deleted} deleted (months before {Cutoff})")]
    private static partial void LogDone(ILogger logger, int listed, int deleted, DateOnly cutoff);
}
