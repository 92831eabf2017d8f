using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Insights;

/// <summary>One published group: how many people, and how many questions they asked.</summary>
/// <param name="Kind"><see cref="InsightKinds.NicheLevel"/> or <see cref="InsightKinds.Topic"/>.</param>
/// <param name="Niche">A niche id (niche × level rows).</param>
/// <param name="Level">An experience level id (niche × level rows).</param>
/// <param name="Topic">A topic category id (topic rows).</param>
public sealed record InsightGroup(string Kind, string? Niche, string? Level, string? Topic, int Users, int Questions)
{
    public string RowKey => Kind == InsightKinds.Topic ? $"topic:{Topic}" : $"niche:{Niche}:{Level}";
}

public static class InsightKinds
{
    public const string NicheLevel = "niche-level";
    public const string Topic = "topic";
}

/// <summary>One computed week: its published groups and how many were suppressed. No totals: they would let a reader subtract.</summary>
public sealed record InsightWeekResult(string Week, DateTimeOffset ComputedAt, int MinimumGroupSize, int SuppressedGroups, IReadOnlyList<InsightGroup> Groups);

/// <summary>
/// The <c>insights</c> table: one partition per ISO week (<c>2026-W48</c>), one row per published group and a
/// <c>summary</c> row written last, so a week counts as computed only once all its rows are in. Numbers and
/// category ids only: no user id, no text.
/// </summary>
public sealed class InsightsStore(JimpStorage storage)
{
    public const string Table = "insights";
    private const string SummaryRow = "summary";

    /// <summary>The weeks from <paramref name="first"/> on whose computation finished (one query).</summary>
    public async Task<ISet<string>> ComputedWeeksAsync(InsightWeek first, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var weeks = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {first.ToString()} and RowKey eq {SummaryRow}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            weeks.Add(e.PartitionKey);
        }
        return weeks;
    }

    /// <summary>
    /// Replaces a week's rows: every group upserted, rows no longer published deleted, the summary last — in
    /// transactions of at most 100 operations of the week's partition. Running it twice gives the same rows.
    /// </summary>
    public async Task ReplaceWeekAsync(InsightWeekResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        var table = await storage.TableAsync(Table, cancellationToken);
        var keep = result.Groups.Select(g => g.RowKey).ToHashSet(StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {result.Week}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (e.RowKey != SummaryRow && !keep.Contains(e.RowKey))
            {
                actions.Add(new(TableTransactionActionType.Delete, new TableEntity(e.PartitionKey, e.RowKey), ETag.All));
            }
        }
        actions.AddRange(result.Groups.Select(g => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(result.Week, g.RowKey)
        {
            ["Kind"] = g.Kind,
            ["Niche"] = g.Niche,
            ["Level"] = g.Level,
            ["Topic"] = g.Topic,
            ["Users"] = g.Users,
            ["Questions"] = g.Questions,
        })));
        actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(result.Week, SummaryRow)
        {
            ["ComputedAt"] = result.ComputedAt,
            ["MinimumGroupSize"] = result.MinimumGroupSize,
            ["SuppressedGroups"] = result.SuppressedGroups,
        }));
        foreach (var chunk in actions.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
    }

    /// <summary>The computed weeks from <paramref name="first"/> to <paramref name="last"/>, oldest first (one query per 1,000 rows).</summary>
    public async Task<IReadOnlyList<InsightWeekResult>> ReadAsync(InsightWeek first, InsightWeek last, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {first.ToString()} and PartitionKey le {last.ToString()}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(e);
        }
        var weeks = new List<InsightWeekResult>();
        foreach (var week in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (week.FirstOrDefault(r => r.RowKey == SummaryRow) is not { } summary)
            {
                continue; // a computation that has not finished: not a result yet
            }
            var groups = week.Where(r => r.RowKey != SummaryRow)
                .Select(r => new InsightGroup(r.GetString("Kind") ?? "", r.GetString("Niche"), r.GetString("Level"), r.GetString("Topic"), r.GetInt32("Users") ?? 0, r.GetInt32("Questions") ?? 0))
                .ToList();
            weeks.Add(new InsightWeekResult(week.Key, summary.GetDateTimeOffset("ComputedAt") ?? default, summary.GetInt32("MinimumGroupSize") ?? 0, summary.GetInt32("SuppressedGroups") ?? 0, groups));
        }
        return weeks;
    }
}
