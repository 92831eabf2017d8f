using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Jimp.Tests.Coaching;

/// <summary>
/// The deployment's model tokens per minute, shared by every instance in Table Storage (<see cref="ModelTokenBudget"/>):
/// two DevHosts over the same Azurite, the fake model in the Azure OpenAI wire format.
/// </summary>
public sealed class ChatBudgetGlobalTests(ITestOutputHelper output) : IAsyncLifetime
{
    private FakeOpenAIServer model = null!;

    public async Task InitializeAsync() => model = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await model.DisposeAsync();

    private static Task<HttpResponseMessage> SendAsync(UserClient user, string conversation, string text) =>
        user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text });

    private Action<JimpTestHostOptions> Instance(string prefix, string key, long tokensPerMinute, params (string Key, string Value)[] extra) => o =>
    {
        foreach (var (k, v) in CoachHarness.Azure(model, extra)) o.Settings[k] = v;
        o.Settings["Storage:Prefix"] = prefix;
        o.Settings["KeyedHash:Key"] = key;
        o.Settings["Chat:ModelTokensPerMinute"] = tokensPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        o.Settings["Chat:RetryBudgetSeconds"] = "1";
    };

    private static (string Prefix, string Key) SharedStorage() =>
        ("t" + Guid.NewGuid().ToString("N")[..11], Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));

    [Fact]
    public async Task When_the_deployments_tokens_of_the_minute_are_spent_on_one_instance_the_other_answers_offline_with_the_model_busy_notice_until_the_next_minute()
    {
        model.Default = FakeReply.Answer("Voici ", "un ", "hook.");
        var (prefix, key) = SharedStorage();
        // A quota the first answer uses up (the fake counts about a token per 4 bytes of the request, hundreds here).
        await using var a = await JimpTestHost.StartAsync(Instance(prefix, key, tokensPerMinute: 100));
        await using var b = await JimpTestHost.StartAsync(Instance(prefix, key, tokensPerMinute: 100));
        using var onA = await CoachingApiTests.OnboardedAsync(a);
        using var onB = new UserClient(b, onA.Email, onA.Cookie, onA.UserId);
        var id = await CoachingApiTests.NewConversationAsync(onA);

        using (var first = await SendAsync(onA, id, "Un hook pour une crème ?"))
        {
            var done = (await Sse.ReadAllAsync(first)).Single(e => e.Name == "done").Data;
            Assert.Equal(ModelOptions.AzureOpenAI, done.GetProperty("mode").GetString());
            Assert.True(done.GetProperty("usage").GetProperty("promptTokens").GetInt32() >= 100);
        }
        var calls = model.Requests.Count;

        // Another instance: it has not served a turn yet, so the shared count is all it knows.
        using var second = await SendAsync(onB, id, "Et un script pour la même crème ?");
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var events = await Sse.ReadAllAsync(second);
        var busy = events.Single(e => e.Name == "done").Data;
        output.WriteLine(busy.ToString());
        Assert.Equal("offline", busy.GetProperty("mode").GetString());
        Assert.Equal("model-busy", busy.GetProperty("notice").GetProperty("code").GetString());
        var wait = busy.GetProperty("notice").GetProperty("retryAfter").GetInt32();
        Assert.InRange(wait, 1, 60);
        Assert.Equal(ModelTokenBudget.SecondsToNextMinute(b.Clock.GetUtcNow()), wait);
        Assert.StartsWith("*Réponse automatique*", Sse.Text(events), StringComparison.Ordinal); // labelled, never silent
        Assert.False(busy.GetProperty("aiGenerated").GetBoolean());
        Assert.Equal(calls, model.Requests.Count); // the model was not called

        // The same instance that spent it is refused too (its own count).
        using (var third = await SendAsync(onA, id, "Encore une question sur les hooks"))
        {
            var done = (await Sse.ReadAllAsync(third)).Single(e => e.Name == "done").Data;
            Assert.Equal("model-busy", done.GetProperty("notice").GetProperty("code").GetString());
        }
        Assert.Equal(calls, model.Requests.Count);

        // The next minute the quota is new, on either instance.
        a.Clock.Advance(TimeSpan.FromSeconds(wait));
        b.Clock.Advance(TimeSpan.FromSeconds(wait));
        using var renewed = await SendAsync(onB, id, "La minute d'après, un hook ?");
        var again = (await Sse.ReadAllAsync(renewed)).Single(e => e.Name == "done").Data;
        Assert.Equal(ModelOptions.AzureOpenAI, again.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, again.GetProperty("notice").ValueKind);
        Assert.Equal(calls + 1, model.Requests.Count);
    }

    [Fact]
    public async Task Configured_to_refuse_a_spent_minute_ends_the_turn_with_model_busy_and_the_message_can_be_retried()
    {
        model.Default = FakeReply.Answer("Voici ", "un hook.");
        var (prefix, key) = SharedStorage();
        await using var host = await JimpTestHost.StartAsync(Instance(prefix, key, tokensPerMinute: 100, ("Chat:WhenModelUnavailable", "refuse")));
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var id = await CoachingApiTests.NewConversationAsync(user);
        using (var first = await SendAsync(user, id, "Un hook pour une crème ?")) await Sse.ReadAllAsync(first);
        var calls = model.Requests.Count;

        using var refused = await SendAsync(user, id, "Et un script ?");
        var events = await Sse.ReadAllAsync(refused);
        var error = events.Single(e => e.Name == "error").Data;
        output.WriteLine(error.ToString());
        Assert.Equal("model-busy", error.GetProperty("code").GetString());
        Assert.InRange(error.GetProperty("retryAfter").GetInt32(), 1, 60);
        Assert.Contains("Réessaie dans", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(calls, model.Requests.Count);
        var messages = (await user.GetJsonAsync($"/api/conversations/{id}")).GetProperty("messages").EnumerateArray().ToList();
        Assert.Contains(messages, m => m.GetProperty("status").GetString() == MessageStatus.Failed);
    }

    [Fact]
    public async Task A_model_turn_costs_the_turns_5_storage_requests_plus_the_shared_count_at_most_once_per_sync_interval()
    {
        model.Default = FakeReply.Answer("Voici ", "un hook.");
        var (prefix, key) = SharedStorage();
        await using var host = await JimpTestHost.StartAsync(Instance(prefix, key, tokensPerMinute: 10_000_000));
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var id = await CoachingApiTests.NewConversationAsync(user);
        using (var warm = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = "Premier message pour chauffer" })) await Sse.ReadAllAsync(warm);

        async Task<StorageCounts> TurnAsync(int i)
        {
            var before = host.Counter.Snapshot();
            using var response = await SendAsync(user, id, $"Question {i} : comment écrire un hook pour une crème ?");
            var done = (await Sse.ReadAllAsync(response)).Single(e => e.Name == "done").Data;
            Assert.Equal(ModelOptions.AzureOpenAI, done.GetProperty("mode").GetString());
            return host.Counter.Snapshot().Since(before);
        }

        // Within one sync interval (the host's clock does not move): the turn's own 5.
        var within = new List<long>();
        for (var i = 0; i < 4; i++) within.Add((await TurnAsync(i)).Total);
        // A sync interval later: the shared count is read and written again.
        host.Clock.Advance(TimeSpan.FromSeconds(6));
        var after = await TurnAsync(9);
        output.WriteLine($"model turns within a sync interval: {string.Join(", ", within)} storage requests; the first turn after it: {after}");
        Assert.All(within, n => Assert.Equal(5, n));
        Assert.Equal(7, after.Total);
    }

    [Fact]
    public async Task Two_instances_writing_the_same_counter_row_at_once_lose_no_tokens()
    {
        var (prefix, key) = SharedStorage();
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Storage:Prefix"] = prefix;
            o.Settings["KeyedHash:Key"] = key;
        });
        var storage = host.Services.GetRequiredService<JimpStorage>();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 10, TimeSpan.Zero));
        // One shard: both instances write the same row; a tenth of the quota per answer makes every write due.
        var options = Options.Create(new CoachChatOptions { ModelTokensPerMinute = 100, ModelBudgetShards = 1 });
        var first = new ModelTokenBudget(storage, clock, options, NullLogger<ModelTokenBudget>.Instance);
        var second = new ModelTokenBudget(storage, clock, options, NullLogger<ModelTokenBudget>.Instance);
        Assert.Null(await first.SpentForAsync(default));
        Assert.Null(await second.SpentForAsync(default));

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? first : second).RecordAsync(10, default)));

        var row = await storage.Table(ModelTokenBudget.Table).GetEntityAsync<TableEntity>(ModelTokenBudget.Partition, ModelTokenBudget.ShardKey(0));
        Assert.Equal(120, row.Value.GetInt64("Tokens")); // a last-writer-wins write would lose the concurrent ones
        Assert.Equal(ModelTokenBudget.MinuteKey(clock.GetUtcNow()), row.Value.GetString("Minute"));
        // A third instance sees the minute spent; the next minute starts from zero, in the same row.
        var third = new ModelTokenBudget(storage, clock, options, NullLogger<ModelTokenBudget>.Instance);
        Assert.Equal(50, await third.SpentForAsync(default));
        clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Null(await third.SpentForAsync(default));
        await third.RecordAsync(30, default);
        row = await storage.Table(ModelTokenBudget.Table).GetEntityAsync<TableEntity>(ModelTokenBudget.Partition, ModelTokenBudget.ShardKey(0));
        Assert.Equal(30, row.Value.GetInt64("Tokens"));
    }

    /// <summary>Holds back the answer of every write that storage accepted, as a busy instance's thread pool does.</summary>
    private sealed class SlowAcceptedWrites : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method != Azure.Core.RequestMethod.Get && message.Response.Status is 200 or 201 or 204) await Task.Delay(40);
        }
    }

    [Fact]
    public async Task Answers_ending_at_once_on_each_of_two_instances_count_every_token_once_when_storage_answers_writes_late()
    {
        // Two flushes of one instance at once: the second, refused (412), read the row the first had just written
        // while the first's tokens were still pending (its write had not returned yet) and added them again.
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(new SlowAcceptedWrites(), Azure.Core.HttpPipelinePosition.PerCall);
        var storage = new JimpStorage(new TableServiceClient(JimpTestHost.StorageConnectionString, tableOptions),
            new Azure.Storage.Blobs.BlobServiceClient(JimpTestHost.StorageConnectionString), Options.Create(new StorageOptions { Prefix = "tb" + Guid.NewGuid().ToString("N")[..10] }));
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 10, TimeSpan.Zero));
        var options = Options.Create(new CoachChatOptions { ModelTokensPerMinute = 100, ModelBudgetShards = 1 });
        var first = new ModelTokenBudget(storage, clock, options, NullLogger<ModelTokenBudget>.Instance);
        var second = new ModelTokenBudget(storage, clock, options, NullLogger<ModelTokenBudget>.Instance);
        var counted = new List<long>();
        for (var round = 0; round < 4; round++)
        {
            // Each round in a minute of its own: the row starts again from the round's first write.
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAll(Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? first : second).RecordAsync(10, default)));
            var row = await storage.Table(ModelTokenBudget.Table).GetEntityAsync<TableEntity>(ModelTokenBudget.Partition, ModelTokenBudget.ShardKey(0));
            Assert.Equal(ModelTokenBudget.MinuteKey(clock.GetUtcNow()), row.Value.GetString("Minute"));
            counted.Add(row.Value.GetInt64("Tokens") ?? 0);
        }
        output.WriteLine($"tokens counted per round (120 recorded in each): {string.Join(", ", counted)}");
        Assert.All(counted, n => Assert.Equal(120, n));
    }
}
