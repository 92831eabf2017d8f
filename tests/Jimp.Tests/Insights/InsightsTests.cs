using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Insights;
using Jimp.Functions.Platform;
using Jimp.Functions.Privacy;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using static Jimp.Tests.Insights.InsightsFixture;

namespace Jimp.Tests.Insights;

public sealed class InsightsTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    /// <summary>From Saturday of week 48 to Tuesday of week 49: week 48 is over.</summary>
    private void MoveToWeek49() => host.Clock.Advance(TimeSpan.FromDays(3));

    [Fact]
    public async Task A_group_of_9_is_suppressed_and_a_group_of_10_is_not()
    {
        foreach (var id in await PeopleAsync(host, 10, "beauty", "beginner")) await AskAsync(host, id, InWeek48, HookQuestion, HookQuestion);
        foreach (var id in await PeopleAsync(host, 9, "fashion", "advanced")) await AskAsync(host, id, InWeek48, LiveQuestion);
        MoveToWeek49();

        await host.RunTimerAsync("ComputeInsights");

        var rows = await RowsAsync(host);
        var beauty = Group(rows, "2026-W48", "niche:beauty:beginner");
        Assert.NotNull(beauty);
        Assert.Equal(10, beauty.GetInt32("Users"));
        Assert.Equal(20, beauty.GetInt32("Questions"));
        var hooks = Group(rows, "2026-W48", "topic:hooks");
        Assert.NotNull(hooks);
        Assert.Equal(10, hooks.GetInt32("Users"));
        Assert.Equal(20, hooks.GetInt32("Questions"));
        // Nine people: neither their niche × level nor their topic is published.
        Assert.Null(Group(rows, "2026-W48", "niche:fashion:advanced"));
        Assert.Null(Group(rows, "2026-W48", "topic:lives"));
        var summary = Group(rows, "2026-W48", "summary")!;
        Assert.Equal(2, summary.GetInt32("SuppressedGroups"));
        Assert.Equal(10, summary.GetInt32("MinimumGroupSize"));
        Assert.Equal(["niche:beauty:beginner", "summary", "topic:hooks"], rows.Where(r => r.PartitionKey == "2026-W48").Select(r => r.RowKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Objectors_restricted_users_flagged_minors_and_people_being_erased_are_absent()
    {
        var counted = await PeopleAsync(host, 10, "sports", "intermediate");
        var objector = await PersonAsync(host, "sports", "intermediate", objects: true);
        var restricted = await PersonAsync(host, "sports", "intermediate", restricted: true);
        var minor = await PersonAsync(host, "sports", "intermediate", minor: true);
        var leaving = await PersonAsync(host, "sports", "intermediate");
        await host.Services.GetRequiredService<RequestTracker>().OpenAsync(leaving, RequestTypes.Erasure, default);
        foreach (var id in counted.Concat([objector, restricted, minor, leaving])) await AskAsync(host, id, InWeek48, CommissionQuestion);

        // Nine more in another niche, and a real user of that niche who chats, then objects in the app: with them
        // the group would reach 10 and be published.
        foreach (var id in await PeopleAsync(host, 9, "food", "advanced")) await AskAsync(host, id, InWeek48, HookQuestion);
        using var user = await CoachingApiTests.OnboardedAsync(host, new { niches = new[] { "food" }, goals = Array.Empty<string>(), experience = "advanced", learningStyle = "step-by-step", country = "FR", language = "fr" });
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        using (var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = HookQuestion }))
        {
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            await Sse.ReadAllAsync(turn);
        }
        using (var objection = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = true })) Assert.Equal(HttpStatusCode.OK, objection.StatusCode);
        MoveToWeek49();

        await host.RunTimerAsync("ComputeInsights");

        var rows = await RowsAsync(host);
        Assert.Equal(10, Group(rows, "2026-W48", "niche:sports:intermediate")!.GetInt32("Users"));
        Assert.Equal(10, Group(rows, "2026-W48", "topic:commissions")!.GetInt32("Questions"));
        Assert.Null(Group(rows, "2026-W48", "niche:food:advanced"));
        Assert.Null(Group(rows, "2026-W48", "topic:hooks"));
    }

    [Fact]
    public async Task The_results_hold_numbers_and_category_ids_only()
    {
        var people = await PeopleAsync(host, 12, "pets", "beginner");
        foreach (var id in people) await AskAsync(host, id, InWeek48, LiveQuestion + " " + id[..8], "Ma question très personnelle sur mon chat Félix");
        MoveToWeek49();

        await host.RunTimerAsync("ComputeInsights");

        // What the table holds, without the service's own Timestamp and ETag.
        var table = string.Join("\n", (await RowsAsync(host)).Select(r => string.Join("; ", r.Where(p => p.Key is not ("Timestamp" or "odata.etag")).Select(p => $"{p.Key}={p.Value}"))));
        Assert.Contains("niche:pets:beginner", table, StringComparison.Ordinal);
        foreach (var id in people)
        {
            Assert.DoesNotContain(id, table, StringComparison.Ordinal);
            Assert.DoesNotContain(id[..8], table, StringComparison.Ordinal);
            Assert.DoesNotContain(id[..12] + "@", table, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("Félix", table, StringComparison.Ordinal);
        Assert.DoesNotContain("premier live", table, StringComparison.Ordinal);
        Assert.DoesNotContain("privés", table, StringComparison.Ordinal);
        // Every property is a key, a category id or a number.
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag", "Kind", "Niche", "Level", "Topic", "Users", "Questions", "ComputedAt", "MinimumGroupSize", "SuppressedGroups" };
        Assert.All(await RowsAsync(host), r => Assert.DoesNotContain(r.Keys, k => !allowed.Contains(k)));
    }

    [Fact]
    public async Task A_missed_week_is_caught_up_and_a_second_run_does_nothing()
    {
        var people = await PeopleAsync(host, 10, "home", "beginner");
        foreach (var id in people) await AskAsync(host, id, InWeek48.AddDays(-14), HookQuestion);
        foreach (var id in people) await AskAsync(host, id, InWeek48, HookQuestion);
        MoveToWeek49();

        await host.RunTimerAsync("ComputeInsights");
        var rows = await RowsAsync(host);
        Assert.Equal(10, Group(rows, "2026-W46", "topic:hooks")!.GetInt32("Users"));
        Assert.Equal(10, Group(rows, "2026-W48", "topic:hooks")!.GetInt32("Users"));
        // The catch-up window (8 finished weeks) is computed, empty weeks included.
        Assert.Equal(8, rows.Count(r => r.RowKey == "summary"));

        var before = host.Counter.Snapshot();
        var report = await host.Services.GetRequiredService<InsightsService>().RunAsync(default);
        Assert.Empty(report.Weeks);
        Assert.Equal(1, host.Counter.Snapshot().Since(before).Total);

        // Two weeks without a run (weeks 49 and 50 go by): the next run computes both.
        foreach (var id in people) await AskAsync(host, id, InWeek48.AddDays(7), LiveQuestion);
        host.Clock.Advance(TimeSpan.FromDays(14));
        report = await host.Services.GetRequiredService<InsightsService>().RunAsync(default);
        Assert.Equal(["2026-W49", "2026-W50"], report.Weeks);
        rows = await RowsAsync(host);
        Assert.Equal(10, Group(rows, "2026-W49", "topic:lives")!.GetInt32("Users"));
        Assert.Null(Group(rows, "2026-W50", "topic:lives"));
    }

    [Fact]
    public async Task A_rerun_of_a_week_replaces_its_rows()
    {
        var store = host.Services.GetRequiredService<InsightsStore>();
        var at = host.Clock.GetUtcNow();
        await store.ReplaceWeekAsync(new InsightWeekResult("2026-W40", at, 10, 0,
            [new InsightGroup(InsightKinds.Topic, null, null, "hooks", 12, 30), new InsightGroup(InsightKinds.Topic, null, null, "lives", 11, 11)]), default);
        await store.ReplaceWeekAsync(new InsightWeekResult("2026-W40", at, 10, 1,
            [new InsightGroup(InsightKinds.Topic, null, null, "hooks", 10, 25)]), default);

        var week = Assert.Single(await store.ReadAsync(new InsightWeek(2026, 40), new InsightWeek(2026, 40), default));
        var group = Assert.Single(week.Groups);
        Assert.Equal(("hooks", 10, 25), (group.Topic, group.Users, group.Questions));
        Assert.Equal(1, week.SuppressedGroups);
    }

    [Fact]
    public async Task The_owner_reads_the_weeks_and_each_read_is_security_logged()
    {
        foreach (var id in await PeopleAsync(host, 10, "baby", "beginner")) await AskAsync(host, id, InWeek48, CommissionQuestion);
        MoveToWeek49();
        await host.RunTimerAsync("ComputeInsights");

        using var response = await OperatorAsync("/api/operator/insights?from=2026-W47&to=2026-W48");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("other", body.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        var weeks = body.GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(["2026-W47", "2026-W48"], weeks.Select(w => w.GetProperty("week").GetString()));
        Assert.Empty(weeks[0].GetProperty("groups").EnumerateArray());
        var groups = weeks[1].GetProperty("groups").EnumerateArray().ToList();
        Assert.Contains(groups, g => g.GetProperty("kind").GetString() == "niche-level" && g.GetProperty("niche").GetString() == "baby" && g.GetProperty("users").GetInt32() == 10);
        Assert.Contains(groups, g => g.GetProperty("kind").GetString() == "topic" && g.GetProperty("topic").GetString() == "commissions" && g.GetProperty("questions").GetInt32() == 10);

        // No range: the last 12 finished weeks.
        using var recent = await OperatorAsync("/api/operator/insights");
        Assert.Equal("2026-W48", (await recent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("weeks").EnumerateArray().Last().GetProperty("week").GetString());

        var events = await host.Services.GetRequiredService<SecurityLog>().RecentAsync(SecurityLog.Anonymous, 50, 1, default);
        Assert.Equal(2, events.Count(e => e.Event == SecurityEvents.OperatorAction && e.Detail == "read-insights"));
    }

    [Theory]
    [InlineData("from=2026-48", "from")]
    [InlineData("to=2026-W54", "to")]
    [InlineData("from=2026-W48&to=2026-W40", "from")]
    [InlineData("from=2020-W01&to=2026-W48", "from")]
    [InlineData("userId=abc", "userId")]
    public async Task A_bad_range_is_a_400_naming_the_field_and_logs_nothing(string query, string field)
    {
        using var response = await OperatorAsync("/api/operator/insights?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
        var events = await host.Services.GetRequiredService<SecurityLog>().RecentAsync(SecurityLog.Anonymous, 50, 1, default);
        Assert.DoesNotContain(events, e => e.Detail == "read-insights");
    }

    [Fact]
    public async Task The_run_reads_the_weeks_index_and_never_the_conversations()
    {
        var people = await PeopleAsync(host, 10, "tech", "beginner");
        foreach (var id in people) await AskAsync(host, id, InWeek48, HookQuestion, LiveQuestion);
        // The conversations table gone: a run that read it would find nothing (or fail).
        await host.Storage.TableService.DeleteTableAsync(host.Storage.TableName("conversations"));
        MoveToWeek49();

        var before = host.Counter.Snapshot();
        var report = await host.Services.GetRequiredService<InsightsService>().RunAsync(default);
        var cost = host.Counter.Snapshot().Since(before);

        Assert.Equal(8, report.Weeks.Count);
        var rows = await RowsAsync(host);
        Assert.Equal(10, Group(rows, "2026-W48", "topic:hooks")!.GetInt32("Users"));
        Assert.Equal(10, Group(rows, "2026-W48", "niche:tech:beginner")!.GetInt32("Users"));
        // Queries: the summaries, the open requests, per week one index range and one for the result rows already
        // there, the expired weeks; a point read per person active in the window (once, however many weeks); a
        // batch per computed week.
        Assert.Equal(1 + 1 + (8 * 2) + 1, cost["table:query"]);
        Assert.Equal(10, cost["table:point-read"]);
        Assert.Equal(8, cost["table:batch"]);
    }

    [Fact]
    public async Task The_index_keeps_the_catch_up_window_only_and_is_exported_and_erased_with_the_user()
    {
        var people = await PeopleAsync(host, 2, "games", "advanced");
        await AskAsync(host, people[0], InWeek48.AddDays(-70), HookQuestion); // week 38: out of the 8-week window on 49
        await AskAsync(host, people[0], InWeek48, HookQuestion, LiveQuestion);
        await AskAsync(host, people[1], InWeek48, CommissionQuestion);
        var index = host.Services.GetRequiredService<QuestionIndex>();

        var exported = await index.ExportAsync(people[0], default);
        Assert.Equal(3, exported.Count);
        Assert.Contains(exported, r => (string?)r["week"] == "2026-W48" && (string?)r["topic"] == "lives");
        Assert.DoesNotContain(exported, r => r.Values.OfType<string>().Any(v => v.Contains("live demain", StringComparison.Ordinal)));

        MoveToWeek49();
        await host.Services.GetRequiredService<InsightsService>().RunAsync(default);
        Assert.Equal(2, (await index.ExportAsync(people[0], default)).Count); // week 38 deleted by the run

        Assert.Equal(2, await index.EraseAsync(new ErasureSubject(people[0], null, "tomb"), default));
        Assert.Empty(await index.ExportAsync(people[0], default));
        Assert.Single(await index.ExportAsync(people[1], default));
    }

    [Fact]
    public void Each_week_is_sharded_so_no_partition_takes_every_users_questions()
    {
        var shards = Enumerable.Range(0, 1600).Select(_ => QuestionIndex.ShardOf(Guid.NewGuid().ToString("N"))).GroupBy(s => s).ToList();
        Assert.Equal(QuestionIndex.Shards, shards.Count);
        Assert.All(shards, g => Assert.InRange(g.Count(), 50, 170));
        Assert.Equal(QuestionIndex.ShardOf("abc"), QuestionIndex.ShardOf("abc"));
        Assert.StartsWith("2026-W48-", QuestionIndex.PartitionOf(new InsightWeek(2026, 48), "abc"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_minimum_group_size_cannot_be_set_below_the_policys_10()
    {
        var tooSmall = new InsightsOptions { MinimumGroupSize = 9 };
        Assert.False(Validator.TryValidateObject(tooSmall, new ValidationContext(tooSmall), null, validateAllProperties: true));
        var policy = new InsightsOptions();
        Assert.Equal(10, policy.MinimumGroupSize);
        Assert.True(Validator.TryValidateObject(policy, new ValidationContext(policy), null, validateAllProperties: true));
    }

    [Fact]
    public void Weeks_follow_ISO_8601_across_the_new_year()
    {
        Assert.Equal("2026-W53", InsightWeek.Of(new DateTimeOffset(2027, 1, 1, 12, 0, 0, TimeSpan.Zero)).ToString());
        Assert.Equal("2026-W53", InsightWeek.LastCompleted(new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero)).ToString());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), new InsightWeek(2026, 48).Start);
        Assert.True(InsightWeek.TryParse("2026-W53", out _));
        Assert.False(InsightWeek.TryParse("2027-W53", out _));
        Assert.False(InsightWeek.TryParse("2026-W00", out _));
        Assert.Equal(["2026-W52", "2026-W53", "2027-W01"], InsightWeek.Range(new InsightWeek(2026, 52), new InsightWeek(2027, 1)).Select(w => w.ToString()));
        var (first, last) = InsightsService.ParseRange(new QueryCollection(new Dictionary<string, StringValues>()), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(("2026-W37", "2026-W48"), (first.ToString(), last.ToString()));
    }

    [Fact]
    public void Questions_are_sorted_into_the_playbook_topics_or_other()
    {
        var insights = host.Services.GetRequiredService<InsightsService>();
        Assert.Equal("hooks", insights.TopicOf(HookQuestion, "fr"));
        Assert.Equal("lives", insights.TopicOf(LiveQuestion, "fr"));
        Assert.Equal("commissions", insights.TopicOf(CommissionQuestion, "fr"));
        Assert.Equal(InsightsService.OtherTopic, insights.TopicOf("zzz qqq", "fr"));
        Assert.Contains(InsightsService.OtherTopic, insights.Topics);
    }

    private Task<HttpResponseMessage> OperatorAsync(string path) => host.OperatorAsync(HttpMethod.Get, path);
}
