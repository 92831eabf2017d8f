using System.Globalization;
using System.Net;
using Azure.Data.Tables;
using Jimp.Functions.Coaching;
using Jimp.Functions.Insights;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Jimp.Tests.Insights.InsightsFixture;

namespace Jimp.Tests.Insights;

/// <summary>
/// Objection (Art. 21) keeps a person out of the aggregate insights: the rows of the questions they asked before
/// objecting are deleted from the weekly index at the objection (so no later run counts them, even after a
/// withdrawal), and their questions are not written to it while the objection stands (the session carries the
/// flag, so the turn needs no extra read).
/// </summary>
public sealed class ObjectorIndexTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static async Task AskAsync(UserClient user, string conversation, string text)
    {
        using var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text });
        Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
        await Sse.ReadAllAsync(turn);
    }

    private static async Task ObjectAsync(UserClient user, bool objects)
    {
        using var response = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = objects });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The user's rows in the index (a test-side scan of the whole table, to see everything).</summary>
    private async Task<int> IndexedAsync(string userId)
    {
        var table = await host.Storage.TableAsync(QuestionIndex.Table);
        var n = 0;
        await foreach (var e in table.QueryAsync<TableEntity>(select: ["RowKey"]))
        {
            if (e.RowKey.StartsWith(userId + "-", StringComparison.Ordinal)) n++;
        }
        return n;
    }

    [Fact]
    public async Task Objecting_deletes_the_questions_indexed_before_none_is_written_while_objecting_and_withdrawing_resumes_it()
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        await AskAsync(user, conversation, HookQuestion);
        await AskAsync(user, conversation, LiveQuestion);
        Assert.Equal(2, await IndexedAsync(user.UserId));

        await ObjectAsync(user, true);
        Assert.Equal(0, await IndexedAsync(user.UserId));
        await AskAsync(user, conversation, LiveQuestion);
        Assert.Equal(0, await IndexedAsync(user.UserId));

        // A session opened after the objection carries it too.
        using var again = await Users.SignInAgainAsync(host, user);
        await AskAsync(again, conversation, CommissionQuestion);
        Assert.Equal(0, await IndexedAsync(user.UserId));

        // Objecting again (a retry) deletes again and fails on nothing.
        await ObjectAsync(user, true);
        Assert.Equal(0, await IndexedAsync(user.UserId));

        await ObjectAsync(user, false);
        await AskAsync(again, conversation, HookQuestion);
        Assert.Equal(1, await IndexedAsync(user.UserId));
    }

    [Fact]
    public async Task Questions_asked_before_an_objection_are_never_counted_even_after_a_withdrawal_and_a_non_objectors_are()
    {
        // Nine people of one niche and level, and three real users of it who chat in week 48: with all three the
        // group would count 12; one objects, one objects and withdraws before the run, one never objects.
        foreach (var id in await PeopleAsync(host, 9, "food", "advanced")) await InsightsFixture.AskAsync(host, id, InWeek48, HookQuestion);
        var profile = new { niches = new[] { "food" }, goals = Array.Empty<string>(), experience = "advanced", learningStyle = "step-by-step", country = "FR", language = "fr" };
        using var objector = await CoachingApiTests.OnboardedAsync(host, profile);
        using var withdrawer = await CoachingApiTests.OnboardedAsync(host, profile);
        using var other = await CoachingApiTests.OnboardedAsync(host, profile);
        foreach (var user in new[] { objector, withdrawer, other })
        {
            await AskAsync(user, await CoachingApiTests.NewConversationAsync(user), HookQuestion);
        }
        await ObjectAsync(objector, true);
        await ObjectAsync(withdrawer, true);
        await ObjectAsync(withdrawer, false);
        Assert.Equal(0, await IndexedAsync(objector.UserId));
        Assert.Equal(0, await IndexedAsync(withdrawer.UserId));
        Assert.Equal(1, await IndexedAsync(other.UserId));

        host.Clock.Advance(TimeSpan.FromDays(3)); // week 48 is over
        await host.RunTimerAsync("ComputeInsights");

        // The nine and the one who never objected: neither the objector nor the withdrawer's earlier question.
        var rows = await RowsAsync(host);
        Assert.Equal(10, Group(rows, "2026-W48", "niche:food:advanced")!.GetInt32("Users"));
        Assert.Equal(10, Group(rows, "2026-W48", "topic:hooks")!.GetInt32("Users"));
        Assert.Equal(10, Group(rows, "2026-W48", "topic:hooks")!.GetInt32("Questions"));
    }

    [Fact]
    public async Task Forgetting_an_objector_costs_requests_in_their_own_rows_and_weeks_never_in_other_peoples_rows()
    {
        var index = host.Services.GetRequiredService<QuestionIndex>();
        var profile = new CoachProfile { Niches = ["home"], Goals = [], Experience = "beginner", Language = "fr" };
        var sequence = 0L;
        async Task IndexAsync(string userId, DateTimeOffset at, int questions)
        {
            var conversation = "c" + userId[..24];
            await Parallel.ForEachAsync(Enumerable.Range(0, questions), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
            {
                var id = (1_000_000_000_000_000_000L + Interlocked.Increment(ref sequence)).ToString(CultureInfo.InvariantCulture);
                await index.QuestionAskedAsync(userId, conversation, new StoredMessage(id, ChatTurn.User, HookQuestion, at, MessageStatus.Ok, null, 0, 0), profile, ct);
            });
        }
        var objector = Guid.NewGuid().ToString("N");
        await IndexAsync(objector, InWeek48, 150);                 // two batches of that week's partition
        await IndexAsync(objector, InWeek48.AddDays(-7), 1);       // week 47
        await IndexAsync(objector, InWeek48.AddDays(-21), 1);      // week 45, the oldest week held
        var others = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        await Parallel.ForEachAsync(others, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) => await IndexAsync(id, InWeek48, 1));

        var before = host.Counter.Snapshot();
        var deleted = await index.ForgetAsync(objector, default);
        var spent = host.Counter.Snapshot().Since(before);

        Assert.Equal(152, deleted);
        Assert.Equal(0, await IndexedAsync(objector));
        // One query for the oldest week held, one per week from week 45 to week 49 (the clock's week and the next);
        // one batch per 100 of the objector's rows of a week. The 300 other people's rows cost nothing and stay.
        Assert.Equal(1 + 5, spent["table:query"]);
        Assert.Equal(2 + 1 + 1, spent["table:batch"]);
        Assert.Equal(6 + 4, spent.Total - spent["table:create-table"]);
        foreach (var id in others.Take(20)) Assert.Equal(1, await IndexedAsync(id));
    }
}
