using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Coaching;

/// <summary>
/// Every chat turn ends within Chat:TurnDeadlineSeconds (#13 item 2), whatever the retry budget and the model's
/// timeouts say: a (fake, Azure wire format) model that streams slowly past the deadline is cut, the turn ends with
/// an <c>error</c> event in the user's language, the message is stored as failed and the conversation goes on.
/// </summary>
public sealed class TurnDeadlineTests : IAsyncLifetime
{
    private const double Deadline = 4;
    private FakeOpenAIServer server = null!;
    private JimpTestHost host = null!;

    public async Task InitializeAsync()
    {
        server = await FakeOpenAIServer.StartAsync();
        host = await JimpTestHost.StartAsync(o =>
        {
            foreach (var (key, value) in CoachHarness.Azure(server)) o.Settings[key] = value;
            o.Settings["Chat:TurnDeadlineSeconds"] = Deadline.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The other limits are far beyond the deadline: only the deadline can end these turns in time.
            o.Settings["Chat:RetryBudgetSeconds"] = "60";
            o.Settings["Chat:MaxAttempts"] = "10";
            o.Settings["Chat:FirstTokenTimeoutSeconds"] = "60";
            o.Settings["Chat:StreamIdleTimeoutSeconds"] = "60";
        });
        // A first turn warms the host (the knowledge base, the model client, the tables): the deadline is about the
        // model, not about a cold start on a loaded machine.
        // The warm-up turns get the fake's default (fast) answer; a cold turn may itself pass the deadline: again.
        using var warm = await CoachingApiTests.OnboardedAsync(host);
        var id = await CoachingApiTests.NewConversationAsync(warm);
        var ended = "";
        for (var i = 0; i < 5 && ended != "done"; i++)
        {
            var (response, events, _) = await TurnAsync(warm, $"/api/conversations/{id}/messages", new { text = $"Bonjour {i}" });
            response.Dispose();
            ended = events.Last().Name;
        }
        Assert.Equal("done", ended);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await server.DisposeAsync();
    }

    /// <summary>Sends a turn and reads it as it streams: the events, and the time from the response's headers to its end.</summary>
    private async Task<(HttpResponseMessage Response, List<SseEvent> Events, TimeSpan Streamed)> TurnAsync(UserClient user, string path, object? body)
    {
        using var http = host.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        request.Headers.Add("Cookie", $"jimp_session={user.Cookie}");
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var clock = Stopwatch.StartNew();
        var text = await response.Content.ReadAsStringAsync();
        return (response, Sse.Parse(text), clock.Elapsed);
    }

    private static JsonElement Message(JsonElement conversation, string id) =>
        conversation.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);

    [Fact]
    public async Task A_model_streaming_past_the_deadline_ends_the_turn_in_time_with_an_error_in_french_and_the_conversation_goes_on()
    {
        // 40 chunks, one every 500 ms: 20 s of streaming, well inside every other limit.
        server.Enqueue(new FakeReply(FakeBehaviour.Answer) { Chunks = Enumerable.Range(0, 40).Select(i => $"mot{i} ").ToArray(), ChunkDelay = TimeSpan.FromMilliseconds(500) });
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var id = await CoachingApiTests.NewConversationAsync(user);

        var (response, events, streamed) = await TurnAsync(user, $"/api/conversations/{id}/messages", new { text = "Un hook pour une crème ?" });
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.ToString()); // exactly, no parameter
        }
        Assert.True(streamed < TimeSpan.FromSeconds(Deadline + 2), $"the turn streamed for {streamed.TotalSeconds:0.0} s with a {Deadline} s deadline");
        Assert.True(events.Count(e => e.Name == "delta") >= 1, "the model had started to answer");
        var error = events.Last();
        Assert.Equal("error", error.Name);
        Assert.DoesNotContain(events, e => e.Name == "done");
        Assert.Equal("turn-timeout", error.Data.GetProperty("code").GetString());
        Assert.Equal(504, error.Data.GetProperty("status").GetInt32());
        Assert.Equal("Le coach a mis trop de temps à répondre.", error.Data.GetProperty("title").GetString());
        var userMessageId = error.Data.GetProperty("userMessageId").GetString()!;

        // Stored: the question is kept, marked failed (the web offers a retry), and no half answer is kept.
        var stored = await user.GetJsonAsync($"/api/conversations/{id}");
        Assert.Equal("failed", Message(stored, userMessageId).GetProperty("status").GetString());
        Assert.Single(stored.GetProperty("messages").EnumerateArray());

        // The conversation stays usable: the retry is answered, then the next question too.
        server.Enqueue(FakeReply.Answer("Commence par ", "une question."), FakeReply.Answer("Publie ", "chaque jour."));
        var (retry, retried, _) = await TurnAsync(user, $"/api/conversations/{id}/messages/{userMessageId}/retry", null);
        retry.Dispose();
        Assert.Equal("done", retried.Last().Name);
        Assert.Equal("Commence par une question.", Sse.Text(retried));
        var (next, answered, _) = await TurnAsync(user, $"/api/conversations/{id}/messages", new { text = "Et à quel rythme publier ?" });
        next.Dispose();
        Assert.Equal("done", answered.Last().Name);
        stored = await user.GetJsonAsync($"/api/conversations/{id}");
        Assert.Equal(new[] { "ok", "ok", "ok", "ok" }, stored.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("status").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_model_whose_first_token_never_comes_in_time_ends_the_turn_with_an_error_in_english()
    {
        server.Enqueue(FakeReply.Answer("Too late.") with { FirstChunkDelay = TimeSpan.FromSeconds(30) });
        using var user = await CoachingApiTests.OnboardedAsync(host, new { niches = new[] { "electronics" }, goals = new[] { "first-sale" }, experience = "intermediate", learningStyle = "quick-tips", country = "IE", language = "en" });
        var id = await CoachingApiTests.NewConversationAsync(user);

        var (response, events, streamed) = await TurnAsync(user, $"/api/conversations/{id}/messages", new { text = "Which product should I start with?" });
        response.Dispose();
        Assert.True(streamed < TimeSpan.FromSeconds(Deadline + 2), $"the turn streamed for {streamed.TotalSeconds:0.0} s with a {Deadline} s deadline");
        var error = events.Last();
        Assert.Equal("error", error.Name);
        Assert.Equal("turn-timeout", error.Data.GetProperty("code").GetString());
        Assert.Equal("The coach took too long to answer.", error.Data.GetProperty("title").GetString());
        var stored = await user.GetJsonAsync($"/api/conversations/{id}");
        Assert.Equal("failed", Message(stored, error.Data.GetProperty("userMessageId").GetString()!).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_model_that_keeps_answering_429_is_not_waited_for_past_the_deadline_the_offline_coach_answers_in_time()
    {
        // Each 429 asks for 3 s; the retry budget (60 s) and the attempts (10) would allow 30 s of waiting.
        var before = server.Requests.Count;
        server.Enqueue(Enumerable.Range(0, 10).Select(_ => FakeReply.RateLimited(retryAfterSeconds: 3)).ToArray());
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var id = await CoachingApiTests.NewConversationAsync(user);

        var (response, events, streamed) = await TurnAsync(user, $"/api/conversations/{id}/messages", new { text = "Un hook pour une crème ?" });
        response.Dispose();
        Assert.True(streamed < TimeSpan.FromSeconds(Deadline + 2), $"the turn streamed for {streamed.TotalSeconds:0.0} s with a {Deadline} s deadline");
        var done = events.Last();
        Assert.True(done.Name == "done", $"the turn ended with {done.Name} {done.Data} after {streamed.TotalSeconds:0.0} s, {server.Requests.Count - before} model calls");
        Assert.Equal("fallback", done.Data.GetProperty("outcome").GetString());
        Assert.Equal("model-busy", done.Data.GetProperty("notice").GetProperty("code").GetString());
        Assert.InRange(server.Requests.Count - before, 1, 2); // called, but not waited for again and again
    }
}
