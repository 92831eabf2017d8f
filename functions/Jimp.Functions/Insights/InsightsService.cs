using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Insights;

/// <summary>What one run computed.</summary>
public sealed record InsightsReport(IReadOnlyList<string> Weeks, int PublishedGroups, int SuppressedGroups);

/// <summary>
/// The weekly aggregate insights of the policy (section 4 b): per finished ISO week, how many people asked the
/// coach something, per niche × experience level, and per topic category of their questions. Only people who
/// neither objected nor are restricted, flagged as minors or being erased are counted; any group of fewer than
/// <see cref="InsightsOptions.MinimumGroupSize"/> people is left out; the results hold category ids and numbers,
/// never an id or a text. A run computes every finished week of the catch-up window not computed yet, so a missed
/// run is caught up and a second run does nothing.
/// Cost is what is due, not what exists: the run reads the week's <see cref="QuestionIndex"/> (written with each
/// turn: topic, niches and level, no text; an objection deletes the objector's rows at once), one point read of the
/// account per person active that week (the exclusions are checked again at the run), the open erasure
/// requests, and then deletes the index weeks that left the window. It never reads the conversations table.
/// </summary>
public sealed partial class InsightsService(
    AccountStore accounts,
    RequestTracker requests,
    QuestionIndex index,
    InsightsStore store,
    IOptions<InsightsOptions> options,
    TimeProvider clock,
    ILogger<InsightsService> logger)
{
    /// <summary>The category of a question that matches no playbook.</summary>
    public const string OtherTopic = QuestionIndex.OtherTopic;

    /// <summary>Account point reads in flight at once.</summary>
    private const int AccountReadsInParallel = 16;

    /// <summary>The topic categories, from the playbooks, plus <see cref="OtherTopic"/>.</summary>
    public IReadOnlyList<string> Topics { get; } = index.Topics;

    /// <summary>The topic category of one question: the topic of the playbook that answers it best, or <see cref="OtherTopic"/>.</summary>
    public string TopicOf(string question, string language) => index.TopicOf(question, language);

    public async Task<InsightsReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var last = InsightWeek.LastCompleted(now);
        var first = last.AddWeeks(1 - options.Value.CatchUpWeeks);
        var computed = await store.ComputedWeeksAsync(first, cancellationToken);
        var missing = InsightWeek.Range(first, last).Where(w => !computed.Contains(w.ToString())).ToList();
        if (missing.Count == 0)
        {
            LogNothingToDo(logger, last.ToString());
            return new InsightsReport([], 0, 0);
        }

        var erasing = (await requests.ListOpenAsync(cancellationToken)).Where(r => r.Type == RequestTypes.Erasure).Select(r => r.UserId).ToHashSet(StringComparer.Ordinal);
        var countable = new Dictionary<string, bool>(StringComparer.Ordinal);
        int published = 0, suppressed = 0;
        foreach (var week in missing)
        {
            var tallies = new Dictionary<string, PersonWeek>(StringComparer.Ordinal);
            await foreach (var question in index.ReadWeekAsync(week, cancellationToken))
            {
                if (!tallies.TryGetValue(question.UserId, out var tally))
                {
                    tallies[question.UserId] = tally = new PersonWeek(question.Niches, question.Level);
                }
                tally.Add(question.Topic);
            }
            await CheckAccountsAsync(tallies.Keys.Where(id => !countable.ContainsKey(id)).ToList(), erasing, countable, cancellationToken);
            var result = Aggregate(week, tallies.Where(t => countable[t.Key]).Select(t => t.Value), now);
            await store.ReplaceWeekAsync(result, cancellationToken);
            published += result.Groups.Count;
            suppressed += result.SuppressedGroups;
            LogWeek(logger, result.Week, result.Groups.Count, result.SuppressedGroups);
        }
        var expired = await index.DeleteWeeksBeforeAsync(first, cancellationToken);
        LogExpired(logger, expired, first.ToString());
        return new InsightsReport(missing.Select(w => w.ToString()).ToList(), published, suppressed);
    }

    /// <summary>Who may be counted: an account that did not object and is not restricted, flagged as a minor or being erased (one point read each, in parallel).</summary>
    private async Task CheckAccountsAsync(List<string> userIds, HashSet<string> erasing, Dictionary<string, bool> countable, CancellationToken cancellationToken)
    {
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(userIds, new ParallelOptions { MaxDegreeOfParallelism = AccountReadsInParallel, CancellationToken = cancellationToken }, async (userId, ct) =>
        {
            var account = erasing.Contains(userId) ? null : await accounts.GetAsync(userId, ct);
            results[userId] = account is not null && !RightsService.ExcludedFromInsights(account);
        });
        foreach (var (userId, ok) in results)
        {
            countable[userId] = ok;
        }
    }

    /// <summary>The weeks from the query (default: the last 12 finished), as the operator reads them.</summary>
    public async Task<IReadOnlyList<InsightWeekResult>> ReadAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        var (first, last) = ParseRange(query, clock.GetUtcNow());
        return await store.ReadAsync(first, last, cancellationToken);
    }

    /// <summary><c>from</c> and <c>to</c> as ISO weeks (<c>2026-W48</c>), both optional, at most 106 weeks apart; every problem is a field error in one 400.</summary>
    public static (InsightWeek First, InsightWeek Last) ParseRange(IQueryCollection query, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var last = InsightWeek.LastCompleted(now);
        InsightWeek first = default;
        string? to = query["to"];
        if (!string.IsNullOrEmpty(to) && !InsightWeek.TryParse(to, out last))
        {
            errors["to"] = ["An ISO week such as 2026-W48."];
        }
        string? from = query["from"];
        if (string.IsNullOrEmpty(from))
        {
            first = errors.Count == 0 ? last.AddWeeks(-11) : default;
        }
        else if (!InsightWeek.TryParse(from, out first))
        {
            errors["from"] = ["An ISO week such as 2026-W37."];
        }
        if (errors.Count == 0 && first.CompareTo(last) > 0)
        {
            errors["from"] = ["The first week comes after the last."];
        }
        else if (errors.Count == 0 && first.AddWeeks(106).CompareTo(last) < 0)
        {
            errors["from"] = ["At most 106 weeks at a time."];
        }
        foreach (var key in query.Keys.Where(k => k is not ("from" or "to")))
        {
            errors[key] = ["Unknown parameter."];
        }
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors);
        }
        return (first, last);
    }

    private InsightWeekResult Aggregate(InsightWeek week, IEnumerable<PersonWeek> tallies, DateTimeOffset now)
    {
        var groups = new Dictionary<string, InsightGroup>(StringComparer.Ordinal);
        void Count(InsightGroup person) =>
            groups[person.RowKey] = groups.TryGetValue(person.RowKey, out var g) ? g with { Users = g.Users + 1, Questions = g.Questions + person.Questions } : person;
        foreach (var tally in tallies)
        {
            if (tally.Level is { } level)
            {
                foreach (var niche in tally.Niches.Distinct(StringComparer.Ordinal))
                {
                    Count(new InsightGroup(InsightKinds.NicheLevel, niche, level, null, 1, tally.Questions));
                }
            }
            foreach (var (topic, questions) in tally.Topics)
            {
                Count(new InsightGroup(InsightKinds.Topic, null, null, topic, 1, questions));
            }
        }
        var minimum = options.Value.MinimumGroupSize;
        var kept = groups.Values.Where(g => g.Users >= minimum).OrderBy(g => g.RowKey, StringComparer.Ordinal).ToList();
        return new InsightWeekResult(week.ToString(), now, minimum, groups.Count - kept.Count, kept);
    }

    /// <summary>One person's questions of one week, kept in memory during the run only; the profile as of their first question of the week.</summary>
    private sealed class PersonWeek(IReadOnlyList<string> niches, string? level)
    {
        public IReadOnlyList<string> Niches { get; } = niches;

        public string? Level { get; } = level;

        public int Questions { get; private set; }

        public Dictionary<string, int> Topics { get; } = new(StringComparer.Ordinal);

        public void Add(string topic)
        {
            Questions++;
            Topics[topic] = Topics.GetValueOrDefault(topic) + 1;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Insights: week {Week} computed, {Published} groups published, {Suppressed} under the minimum size suppressed")]
    private static partial void LogWeek(ILogger logger, string week, int published, int suppressed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Insights: {Expired} index rows of weeks before {First} deleted")]
    private static partial void LogExpired(ILogger logger, int expired, string first);

    [LoggerMessage(Level = LogLevel.Information, Message = "Insights: every week up to {Week} is computed already")]
    private static partial void LogNothingToDo(ILogger logger, string week);
}
