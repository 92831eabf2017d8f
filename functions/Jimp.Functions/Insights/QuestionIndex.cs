using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;

namespace Jimp.Functions.Insights;

/// <summary>
/// The <c>insightsquestions</c> table: the weekly insights' index, written with each chat turn so that the weekly
/// run reads the week that is due and nothing else (not the whole <c>conversations</c> table).
/// <list type="bullet">
/// <item>Partition <c>{ISO week}-{shard}</c> (<c>2026-W48-a</c>): 16 shards per week from a stable hash of the user
/// id, so no single partition takes every user's turns (a week's rows are still one range query: the shards of a
/// week sort together).</item>
/// <item>Row <c>{userId}-{conversationId}-{messageId}</c>: one per question, holding its topic category (computed
/// at the turn, so the run never reads message text), the niches and level of the profile at that moment, and
/// the time. Upserted: a turn retried writes the same row.</item>
/// </list>
/// The run deletes the weeks that fell out of its catch-up window; the store is declared in the personal-data
/// registry (export lists the user's rows, erasure deletes them: one query per week still held). Objection
/// (Art. 21) deletes the user's rows the same way (<see cref="ForgetAsync"/>), and the turn writes none while
/// the objection stands.
/// </summary>
public sealed class QuestionIndex(JimpStorage storage, KnowledgeBase knowledge, TimeProvider clock) : IQuestionObserver, IPersonalDataStore, IInsightsSource
{
    public const string Table = "insightsquestions";

    /// <summary>Shards per week (one hex digit).</summary>
    public const int Shards = 16;

    /// <summary>The category of a question that matches no playbook.</summary>
    public const string OtherTopic = "other";

    public string Name => Table;

    /// <summary>The topic categories, from the playbooks, plus <see cref="OtherTopic"/>.</summary>
    public IReadOnlyList<string> Topics { get; } = knowledge.Entries.Select(e => e.Topic).Append(OtherTopic).Distinct(StringComparer.Ordinal).ToList();

    public (string Fr, string En) Title => ("Thèmes des questions (statistiques hebdomadaires)", "Question topics (weekly statistics)");

    public string Purpose => "Count, per week, how many people asked about each topic (aggregate insights, groups under 10 suppressed).";

    public string LegalBasis => "Legitimate interest: improving the coaching from aggregate counts (Art. 6(1)(f)); objection honoured";

    public string Retention => "Until the week falls out of the insights' catch-up window (8 finished weeks by default); deleted at once when the person objects.";

    public PersonalDataTexts French => new("Compter, par semaine, combien de personnes ont posé une question sur chaque thème (statistiques agrégées, groupes de moins de 10 supprimés).",
        "Intérêt légitime : améliorer le coaching à partir de comptages agrégés (art. 6.1.f RGPD) ; opposition respectée",
        "Jusqu'à ce que la semaine sorte de la fenêtre de rattrapage des statistiques (8 semaines terminées par défaut) ; supprimé dès que la personne s'oppose.");

    /// <summary>The topic category of one question: the topic of the playbook that answers it best, or <see cref="OtherTopic"/>.</summary>
    public string TopicOf(string question, string language) =>
        knowledge.Search(question, language, max: 1) is [var best, ..] ? best.Entry.Topic : OtherTopic;

    public static int ShardOf(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var hash = 2166136261u; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % Shards);
    }

    public static string PartitionOf(InsightWeek week, string userId) => week + "-" + ShardOf(userId).ToString("x1", CultureInfo.InvariantCulture);

    /// <summary>One upsert, in the turn (its fifth and last storage request).</summary>
    public async Task QuestionAskedAsync(string userId, string conversationId, StoredMessage question, CoachProfile profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(profile);
        var table = await storage.TableAsync(Table, cancellationToken);
        var row = new TableEntity(PartitionOf(InsightWeek.Of(question.CreatedAt), userId), $"{userId}-{conversationId}-{question.Id}")
        {
            ["Topic"] = TopicOf(question.Text, profile.Language),
            ["Niches"] = string.Join(',', profile.Niches.Distinct(StringComparer.Ordinal)),
            ["Level"] = profile.Experience,
            ["CreatedAt"] = question.CreatedAt,
        };
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The conversation's rows: one query per week its messages span (message ids are newest-first times), one batch per 100.</summary>
    public async Task ConversationDeletedAsync(string userId, string conversationId, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var weeks = messageIds
            .Select(m => long.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var key) && key >= 0 && key <= DateTimeOffset.MaxValue.UtcTicks ? (long?)key : null)
            .OfType<long>()
            .Select(key => InsightWeek.Of(new DateTimeOffset(DateTimeOffset.MaxValue.UtcTicks - key, TimeSpan.Zero)))
            .Distinct()
            .ToList();
        if (weeks.Count == 0) return;
        var table = await storage.TableAsync(Table, cancellationToken);
        var prefix = $"{userId}-{conversationId}-";
        foreach (var week in weeks)
        {
            var rows = new List<TableTransactionAction>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(week, userId)} and RowKey gt {prefix} and RowKey lt {userId + "-" + conversationId + "."}");
            await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                rows.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(e.PartitionKey, e.RowKey), ETag.All));
            }
            foreach (var chunk in rows.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk, cancellationToken);
            }
        }
    }

    /// <summary>The questions of one week, all shards: one range query (a request per 1,000 rows).</summary>
    public async IAsyncEnumerable<IndexedQuestion> ReadWeekAsync(InsightWeek week, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {week + "-"} and PartitionKey lt {week + "."}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            var dash = e.RowKey.Length - (1 + 25 + 1 + 19); // {userId}-{conversation id: 25}-{message id: 19}
            if (dash <= 0) continue;
            var niches = e.GetString("Niches") is { Length: > 0 } n ? n.Split(',') : [];
            yield return new IndexedQuestion(e.RowKey[..dash], e.GetString("Topic") ?? OtherTopic, niches, e.GetString("Level"));
        }
    }

    /// <summary>Deletes every week before <paramref name="first"/>: one range query for their keys, one batch per 100 rows of a partition.</summary>
    public async Task<int> DeleteWeeksBeforeAsync(InsightWeek first, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {first.ToString()}");
        var deleted = 0;
        var batch = new List<TableTransactionAction>(100);
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            await table.SubmitTransactionAsync(batch, cancellationToken);
            deleted += batch.Count;
            batch.Clear();
        }
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            if (batch.Count == 100 || (batch.Count > 0 && batch[0].Entity.PartitionKey != e.PartitionKey)) await FlushAsync();
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(e.PartitionKey, e.RowKey), ETag.All));
        }
        await FlushAsync();
        return deleted;
    }

    public async Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var records = new List<ExportRecord>();
        await foreach (var e in UserRowsAsync(userId, cancellationToken))
        {
            records.Add(new ExportRecord
            {
                ["week"] = e.PartitionKey[..8],
                ["topic"] = e.GetString("Topic"),
                ["niches"] = e.GetString("Niches"),
                ["level"] = e.GetString("Level"),
                ["asked_at"] = e.GetDateTimeOffset("CreatedAt")?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            });
        }
        return records;
    }

    public Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return ForgetAsync(subject.UserId, cancellationToken);
    }

    /// <summary>
    /// Deletes every row of the user (erasure; objection, so that no later run counts a question asked before it).
    /// Storage requests: one query for the oldest week held, one per week from there to the current one (the user's
    /// shard only: a key range, never another user's rows), and one batch per 100 of the user's rows of a week.
    /// </summary>
    public async Task<int> ForgetAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var table = await storage.TableAsync(Table, cancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var e in UserRowsAsync(userId, cancellationToken, keysOnly: true))
        {
            rows.Add(e);
        }
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                await table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), ETag.All)), cancellationToken);
            }
        }
        return rows.Count;
    }

    /// <summary>
    /// The user's rows, exactly: the oldest week still held (one query for one key), then the user's shard of each
    /// week from there to the current one (one query each; about ten, as the run keeps its catch-up window).
    /// </summary>
    private async IAsyncEnumerable<TableEntity> UserRowsAsync(string userId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, bool keysOnly = false)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        string? oldest = null;
        await foreach (var page in table.QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages())
        {
            oldest = page.Values.FirstOrDefault()?.PartitionKey;
            break;
        }
        if (oldest is null || !InsightWeek.TryParse(oldest[..8], out var week)) yield break;
        var current = InsightWeek.Of(clock.GetUtcNow()).AddWeeks(1); // a clock a little ahead still finds its rows
        for (; week.CompareTo(current) <= 0; week = week.AddWeeks(1))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(week, userId)} and RowKey gt {userId + "-"} and RowKey lt {userId + "."}");
            await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: keysOnly ? ["PartitionKey", "RowKey"] : null, cancellationToken: cancellationToken))
            {
                yield return e;
            }
        }
    }
}

/// <summary>One indexed question: whose (for distinct counts and the exclusion check), its topic, the profile then.</summary>
public sealed record IndexedQuestion(string UserId, string Topic, IReadOnlyList<string> Niches, string? Level);
