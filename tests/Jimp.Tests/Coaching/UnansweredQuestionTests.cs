using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Coaching;

/// <summary>
/// A question whose turn ended without an answer can always be retried, even when the failure could not be written:
/// storage down at the end of the turn (found by the fault suite, seeds 58229561 and 59159541) or a crash mid-turn.
/// </summary>
public sealed class UnansweredQuestionTests : IAsyncLifetime
{
    private readonly WritesDownAfterTheQuestion faults = new();
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
    public async Task A_turn_whose_answer_and_failure_mark_storage_refused_leaves_a_failed_question_that_can_be_retried()
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var conversation = await CoachingApiTests.NewConversationAsync(user);

        faults.Arm(ConversationStore.Table);
        string questionId;
        using (var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = "Comment choisir mon premier produit ?" }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var events = await Sse.ReadAllAsync(response);
            var error = Assert.Single(events, e => e.Name == "error");
            Assert.Equal("storage-unavailable", error.Data.GetProperty("code").GetString());
            Assert.DoesNotContain(events, e => e.Name == "done");
            questionId = events.First(e => e.Name == "start").Data.GetProperty("userMessageId").GetString()!;
        }
        Assert.True(faults.Refused >= 2, $"the answer's batch and the failure mark were refused ({faults.Refused} writes refused)");
        faults.Heal();

        // Stored as asked, marked nowhere: yet it reads as failed at once, and the mark is written by that read.
        var stored = await host.Services.GetRequiredService<ConversationStore>().FindMessageAsync(user.UserId, conversation, questionId, default);
        Assert.Equal(MessageStatus.Ok, stored!.Status);
        Assert.Equal("failed", await QuestionStatusAsync(user, conversation, questionId));
        stored = await host.Services.GetRequiredService<ConversationStore>().FindMessageAsync(user.UserId, conversation, questionId, default);
        Assert.Equal(MessageStatus.Failed, stored!.Status);

        await RetryAnswersAsync(user, conversation, questionId);
    }

    [Fact]
    public async Task A_question_left_unanswered_by_a_crash_counts_as_failed_once_a_turn_deadline_has_passed()
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        // What a crash after the question's insert leaves: the question, no answer, no mark.
        var question = await host.Services.GetRequiredService<ConversationStore>()
            .AddUserMessageAsync(user.UserId, conversation, "Quel hashtag pour ma vidéo ?", null, host.Clock.GetUtcNow(), default);

        // Within a turn's deadline it may still be answered: not failed, not retryable.
        Assert.Equal("ok", await QuestionStatusAsync(user, conversation, question.Id));
        using (var early = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages/{question.Id}/retry"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }

        host.Clock.Advance(TimeSpan.FromSeconds(new CoachChatOptions().TurnDeadlineSeconds + 1));
        Assert.Equal("failed", await QuestionStatusAsync(user, conversation, question.Id));
        await RetryAnswersAsync(user, conversation, question.Id);

        // A retry starts a new attempt: right after it, its (answered) question reads ok, as does the answer.
        var detail = await user.GetJsonAsync($"/api/conversations/{conversation}");
        Assert.All(detail.GetProperty("messages").EnumerateArray(), m => Assert.Equal("ok", m.GetProperty("status").GetString()));
    }

    private static async Task<string?> QuestionStatusAsync(UserClient user, string conversation, string questionId)
    {
        var detail = await user.GetJsonAsync($"/api/conversations/{conversation}");
        return detail.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetString() == questionId).GetProperty("status").GetString();
    }

    private static async Task RetryAnswersAsync(UserClient user, string conversation, string questionId)
    {
        using var retry = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages/{questionId}/retry");
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var events = await Sse.ReadAllAsync(retry);
        Assert.Contains(events, e => e.Name == "done");
        var detail = await user.GetJsonAsync($"/api/conversations/{conversation}");
        var messages = detail.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal(questionId, messages[0].GetProperty("id").GetString());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
    }
}

/// <summary>
/// Storage that takes the first write to one table once armed (a chat turn's question), then refuses every write
/// (503 on each attempt) until healed: the answer's batch and the failure mark fail, reads still work.
/// </summary>
public sealed class WritesDownAfterTheQuestion : HttpPipelinePolicy, IStorageWirePolicy
{
    private volatile string? table;
    private volatile bool down;
    private int refused;

    public HttpPipelinePolicy Policy => this;

    public int Refused => Volatile.Read(ref refused);

    public void Arm(string name) => table = name;

    public void Heal()
    {
        table = null;
        down = false;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        var write = message.Request.Method != RequestMethod.Get;
        if (write && down)
        {
            Interlocked.Increment(ref refused);
            message.Response = new StorageFaults.FaultResponse(503, "Server Busy");
            return;
        }
        await ProcessNextAsync(message, pipeline);
        if (write && table is { } name && Uri.UnescapeDataString(message.Request.Uri.Path).TrimEnd('/').Split('/')[^1].EndsWith(name, StringComparison.Ordinal))
        {
            down = true;
        }
    }
}
