using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Coaching;

/// <summary>A host with a (fake) model, 3 turns a day per user and a model-token budget of 1 token a day.</summary>
public sealed class BudgetHost : SharedHost, IAsyncLifetime
{
    public FakeOpenAIServer Model { get; private set; } = null!;

    protected override void Configure(JimpTestHostOptions options)
    {
        foreach (var (k, v) in CoachHarness.OpenAICompatible(Model)) options.Settings[k] = v;
        options.Settings["Chat:TurnsPerDay"] = "3";
        options.Settings["Chat:ModelTokensPerDay"] = "1";
        options.Settings["Chat:RetryBudgetSeconds"] = "1";
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        Model = await FakeOpenAIServer.StartAsync();
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Model.DisposeAsync();
    }
}

/// <summary>Per-user budgets kept in Table Storage: they hold across instances, and a spent budget says when it renews.</summary>
public sealed class ChatBudgetTests(BudgetHost shared, ITestOutputHelper output) : IClassFixture<BudgetHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static Task<HttpResponseMessage> SendAsync(UserClient user, string conversation, string text) =>
        user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text });

    [Fact]
    public async Task Two_DevHosts_share_one_budget_of_turns_a_day_and_the_fourth_turn_is_a_429_that_says_when_it_renews()
    {
        // Two instances of the app over the same storage, as two Functions instances behind one front end.
        var prefix = "t" + Guid.NewGuid().ToString("N")[..11];
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        void Same(JimpTestHostOptions o)
        {
            o.Settings["Storage:Prefix"] = prefix;
            o.Settings["KeyedHash:Key"] = key;
            o.Settings["Chat:TurnsPerDay"] = "3";
        }
        await using var a = await JimpTestHost.StartAsync(Same);
        await using var b = await JimpTestHost.StartAsync(Same);
        using var onA = await CoachingApiTests.OnboardedAsync(a);
        using var onB = new UserClient(b, onA.Email, onA.Cookie, onA.UserId);
        var id = await CoachingApiTests.NewConversationAsync(onA);

        foreach (var (user, i) in new[] { (onA, 0), (onB, 1), (onA, 2) })
        {
            using var ok = await SendAsync(user, id, $"Question {i} : un hook pour une crème ?");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Contains(await Sse.ReadAllAsync(ok), e => e.Name == "done");
        }

        using var spent = await SendAsync(onB, id, "Une quatrième question");
        Assert.Equal(HttpStatusCode.TooManyRequests, spent.StatusCode);
        Assert.Equal("application/problem+json", spent.Content.Headers.ContentType?.MediaType);
        var problem = await spent.Content.ReadFromJsonAsync<JsonElement>();
        output.WriteLine(problem.ToString());
        Assert.Equal("budget-used", problem.GetProperty("code").GetString());
        Assert.Equal("turns", problem.GetProperty("limit").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), problem.GetProperty("resetsAt").GetDateTimeOffset());
        Assert.Contains("messages du jour", problem.GetProperty("detail").GetString(), StringComparison.Ordinal); // the user's language
        Assert.Equal(TimeSpan.FromHours(15), spent.Headers.RetryAfter?.Delta); // 09:00 → 00:00 UTC
        // Nothing stored for the refused turn: 3 questions and 3 answers.
        Assert.Equal(6, (await onA.GetJsonAsync($"/api/conversations/{id}")).GetProperty("messages").GetArrayLength());

        // The next UTC day the budget is new, on either instance.
        a.Clock.Advance(TimeSpan.FromHours(15));
        b.Clock.Advance(TimeSpan.FromHours(15));
        using var renewed = await SendAsync(onB, id, "Le lendemain");
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        await Sse.ReadAllAsync(renewed);
    }

    [Fact]
    public async Task Two_store_instances_completing_turns_at_once_count_every_turn()
    {
        // Two stores over the same tables (two instances), each completing turns from the same stale read.
        var first = host.Services.GetRequiredService<ConversationStore>();
        var second = new ConversationStore(host.Services.GetRequiredService<JimpStorage>(), []);
        var now = host.Clock.GetUtcNow();
        var conversation = await first.CreateAsync("user-budget", "t", titled: true, now, default);
        var read = await first.ReadStateAsync("user-budget", conversation.Id, 10, default);
        Assert.Null(read!.Usage);
        var trends = new PinnedTrends(ChatBudget.Today(now), "FR", [], []);

        var turns = Enumerable.Range(0, 8).Select(i =>
        {
            var store = i % 2 == 0 ? first : second;
            var id = ConversationStore.NewestFirst(now.AddSeconds(-i));
            var answer = new StoredMessage(ConversationStore.AnswerIdFor(id), ChatTurn.Assistant, "ok", now, MessageStatus.Ok, "openai-compatible", 100, 20);
            return store.CompleteTurnAsync("user-budget", conversation.Id, answer, trends, null, 2, now, default, usage: read.Usage, spent: (1, 120));
        });
        await Task.WhenAll(turns);

        var usage = await first.ReadUsageAsync("user-budget", default);
        Assert.Equal(8, usage!.Turns); // a last-writer-wins merge would lose the concurrent ones
        Assert.Equal(8 * 120, usage.ModelTokens);
        Assert.Equal(ChatBudget.Today(now), usage.Day);
    }

    [Fact]
    public async Task When_the_model_tokens_of_the_day_are_spent_the_offline_coach_answers_and_says_why()
    {
        shared.Model.Default = FakeReply.Answer("Voici ", "un hook.");
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var id = await CoachingApiTests.NewConversationAsync(user);
        var before = shared.Model.Requests.Count;

        using var first = await SendAsync(user, id, "Un hook pour une crème ?");
        var done = (await Sse.ReadAllAsync(first)).Single(e => e.Name == "done").Data;
        Assert.Equal("openai-compatible", done.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("notice").ValueKind);

        using var second = await SendAsync(user, id, "Et un script ?");
        var events = await Sse.ReadAllAsync(second);
        var notice = events.Single(e => e.Name == "done").Data;
        Assert.Equal("offline", notice.GetProperty("mode").GetString());
        Assert.Equal("budget-used", notice.GetProperty("notice").GetProperty("code").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero), notice.GetProperty("notice").GetProperty("resetsAt").GetDateTimeOffset());
        Assert.StartsWith("*Réponse automatique*", Sse.Text(events), StringComparison.Ordinal);
        Assert.Equal(before + 1, shared.Model.Requests.Count); // the model was not called for the second turn
    }

    [Fact]
    public async Task A_model_that_answers_429_beyond_the_retry_budget_gives_an_offline_answer_with_a_model_busy_notice()
    {
        shared.Model.Default = FakeReply.RateLimited(retryAfterSeconds: 30);
        try
        {
            using var user = await CoachingApiTests.OnboardedAsync(host);
            var id = await CoachingApiTests.NewConversationAsync(user);
            using var response = await SendAsync(user, id, "Un hook pour une crème ?");
            var done = (await Sse.ReadAllAsync(response)).Single(e => e.Name == "done").Data;
            Assert.Equal("fallback", done.GetProperty("outcome").GetString());
            Assert.Equal("model-busy", done.GetProperty("notice").GetProperty("code").GetString());
            Assert.Equal(30, done.GetProperty("notice").GetProperty("retryAfter").GetInt32());
        }
        finally
        {
            shared.Model.Default = FakeReply.Answer("Bonjour");
        }
    }

    [Fact]
    public async Task Configured_to_refuse_a_model_that_answers_429_ends_the_turn_with_model_busy_and_its_wait()
    {
        shared.Model.Default = FakeReply.RateLimited(retryAfterSeconds: 45);
        try
        {
            using var harness = new CoachHarness(CoachHarness.OpenAICompatible(shared.Model, ("Chat:WhenModelUnavailable", "refuse")));
            var busy = await Assert.ThrowsAsync<ModelBusyException>(() => CoachHarness.RunAsync(harness.Coach, new CoachRequest("user-1", CoachHarness.Profile(), [], "Un hook ?")));
            Assert.Equal(45, busy.RetryAfterSeconds);
        }
        finally
        {
            shared.Model.Default = FakeReply.Answer("Bonjour");
        }
    }
}
