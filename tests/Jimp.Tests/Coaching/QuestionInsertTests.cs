using System.Net;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Accounts;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Coaching;

/// <summary>
/// The question's insert runs beside the answer (off the first delta's path, #17's load profile): when it fails, the
/// turn ends with the storage error and no done, and nothing of it is stored; two turns of one conversation at the
/// same moment both store their question and answer under the ids their done events give.
/// </summary>
public sealed class QuestionInsertTests : IAsyncLifetime
{
    private readonly TargetedStorageFaults faults = new();
    private JimpTestHost host = null!;

    public async Task InitializeAsync() =>
        host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Storage:MaxRetries"] = "1";
            o.Settings["Storage:RetryDelay"] = "00:00:00.010";
            o.Services = s => s.AddSingleton<IStorageWirePolicy>(faults);
        });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_question_storage_refuses_ends_its_turn_with_the_storage_error_and_stores_nothing()
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var conversation = await CoachingApiTests.NewConversationAsync(user);

        faults.Fail(ConversationStore.Table, writesOnly: true);
        using (var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = "Comment choisir mon premier produit ?" }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = await Sse.ReadAllAsync(response);
            Assert.Equal("start", events[0].Name);
            var error = Assert.Single(events, e => e.Name == "error");
            Assert.Equal(503, error.Data.GetProperty("status").GetInt32());
            // Not storage-unavailable (which offers a retry): the question does not exist, it is to be sent again.
            Assert.Equal("question-not-saved", error.Data.GetProperty("code").GetString());
            Assert.DoesNotContain(events, e => e.Name == "done");
        }
        Assert.True(faults.Injected >= 1, "the question's insert was refused");
        faults.Heal();

        // No question without its answer, no answer: the conversation is as before, and the next turn answers.
        var detail = await user.GetJsonAsync($"/api/conversations/{conversation}");
        Assert.Empty(detail.GetProperty("messages").EnumerateArray());
        using var again = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = "Comment choisir mon premier produit ?" });
        var done = Assert.Single(await Sse.ReadAllAsync(again), e => e.Name == "done");
        detail = await user.GetJsonAsync($"/api/conversations/{conversation}");
        var ids = detail.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal([done.Data.GetProperty("userMessageId").GetString(), done.Data.GetProperty("assistantMessageId").GetString()], ids);
    }

    [Fact]
    public async Task Two_turns_of_one_conversation_at_the_same_moment_store_both_questions_with_their_answers()
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var conversation = await CoachingApiTests.NewConversationAsync(user);

        // The test clock stands still: both turns choose the same first key, one insert meets the other's (409) and moves.
        async Task<(string Question, string Answer)> TurnAsync(string text)
        {
            using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text });
            var done = Assert.Single(await Sse.ReadAllAsync(response), e => e.Name == "done");
            return (done.Data.GetProperty("userMessageId").GetString()!, done.Data.GetProperty("assistantMessageId").GetString()!);
        }
        var turns = await Task.WhenAll(TurnAsync("Quel hashtag pour ma crème ?"), TurnAsync("Quelle heure pour publier ?"));

        var detail = await user.GetJsonAsync($"/api/conversations/{conversation}");
        var stored = detail.GetProperty("messages").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("role").GetString());
        Assert.Equal(4, stored.Count);
        Assert.NotEqual(turns[0].Question, turns[1].Question);
        foreach (var (question, answer) in turns)
        {
            Assert.Equal("user", stored[question]);
            Assert.Equal("assistant", stored[answer]);
            Assert.Equal(ConversationStore.AnswerIdFor(question), answer);
        }
    }
}
