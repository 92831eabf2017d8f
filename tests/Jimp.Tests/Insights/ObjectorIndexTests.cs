using System.Net;
using Azure.Data.Tables;
using Jimp.Functions.Insights;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;

namespace Jimp.Tests.Insights;

/// <summary>
/// Objection (Art. 21) keeps a person out of the aggregate insights from the turn on: their questions are not
/// written to the weekly index at all (the session carries the flag, so the turn needs no extra read), rather than
/// indexed and dropped at the weekly run.
/// </summary>
public sealed class ObjectorIndexTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task AskAsync(UserClient user, string conversation, string text)
    {
        using var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text });
        Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
        await Sse.ReadAllAsync(turn);
    }

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
    public async Task An_objectors_questions_are_not_written_to_the_insights_index_and_withdrawing_the_objection_resumes_it()
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        await AskAsync(user, conversation, InsightsFixture.HookQuestion);
        Assert.Equal(1, await IndexedAsync(user.UserId));

        using (var objection = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = true })) Assert.Equal(HttpStatusCode.OK, objection.StatusCode);
        await AskAsync(user, conversation, InsightsFixture.LiveQuestion);
        Assert.Equal(1, await IndexedAsync(user.UserId));

        // A session opened after the objection carries it too.
        using var again = await Users.SignInAgainAsync(host, user);
        await AskAsync(again, conversation, InsightsFixture.CommissionQuestion);
        Assert.Equal(1, await IndexedAsync(user.UserId));

        using (var withdrawn = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = false })) Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        await AskAsync(again, conversation, InsightsFixture.HookQuestion);
        Assert.Equal(2, await IndexedAsync(user.UserId));
    }
}
