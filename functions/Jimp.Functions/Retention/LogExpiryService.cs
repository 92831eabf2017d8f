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
    /// <summary>How often <c>ExpireLogs</c> runs (its schedule is daily): a month goes one run before its oldest entry ages.</summary>
    public static readonly TimeSpan RunInterval = TimeSpan.FromDays(1);

    /// <summary>
    /// The first month kept. The oldest entry a month's table can hold was written at the first instant of the
    /// month, and it turns <c>LogMonths</c> months old at the first instant of the same month <c>LogMonths</c>
    /// later; the table must be gone by then. Runs are <see cref="RunInterval"/> apart, so the table of month M is
    /// deleted by the first run at which M + <c>LogMonths</c> months is at most one interval away. With 12 months,
    /// on 2026-11-28 the cutoff is 2025-12-01 (<c>...log202511</c> went on 2026-10-31); <c>...log202512</c> goes on
    /// 2026-11-30. So no entry is ever older than 12 months, and a month is kept at least 11 months.
    /// </summary>
    public static DateOnly CutoffFor(DateTimeOffset now, int logMonths)
    {
        // Month M goes when M + logMonths months <= the next run, i.e. M <= the next run's month - logMonths months.
        var next = (now + RunInterval).UtcDateTime;
        return new DateOnly(next.Year, next.Month, 1).AddMonths(1 - logMonths);
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
