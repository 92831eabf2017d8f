using System.Globalization;
using System.Text.Json.Nodes;
using Jimp.Functions.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Coaching;

/// <summary>
/// What one conversation sends to the model as it grows, counted on the wire: the chat requests the fake model
/// server received, on the DevHost with Azurite, at turns 10, 100 and 500 of one conversation. The turns in between
/// are stored through the app's own conversation store (questions and answers of realistic length, a creator's
/// 40 to 4,000 characters and a model's 600 to 4,000), so the turn measured reads a real history. Asserted: the
/// prompt stays within <c>Chat:PromptTokenBudget</c> at every length (prompt budget, stable prefix and rolling
/// summary), the grounding (the playbooks retrieved for the question) is in it and within
/// <c>Chat:GroundingTokenBudget</c>, and the stable prefix is byte-identical from turn to turn.
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class PromptTokenBenchmarks(ITestOutputHelper output)
{
    private const string Question = "Comment écrire un bon hook pour ma crème hydratante ? mes vidéos décrochent à 3 secondes";

    [Fact]
    public async Task Prompt_tokens_sent_to_the_model_at_turns_10_100_and_500_stay_within_the_budget_with_the_grounding_inside()
    {
        await using var model = await FakeOpenAIServer.StartAsync();
        model.Default = FakeReply.Answer("Voici ", "trois ", "hooks ", "[hooks-first-3-seconds]."); // cites a playbook, like a grounded answer
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            foreach (var (k, v) in CoachHarness.OpenAICompatible(model)) o.Settings[k] = v;
        });
        var options = new CoachChatOptions();
        var tokens = new TokenCounter();
        using var user = await CoachingApiTests.OnboardedAsync(host, new
        {
            niches = new[] { "beauty" },
            nicheDetails = "Soins naturels pour peaux sensibles",
            goals = new[] { "first-sale" },
            experience = "beginner",
            learningStyle = "step-by-step",
            country = "FR",
            language = "fr",
        });
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        var store = host.Services.GetRequiredService<ConversationStore>();
        var profile = new CoachProfile { Niches = ["beauty"], Goals = ["first-sale"], Experience = "beginner", Country = "FR", Language = "fr" };
        var trends = ConversationFixture.Trends(profile); // the conversation's pinned trends of the day: they reach the prefix
        var history = ConversationFixture.Conversation(2 * 500, seed: 11);
        string? newest = null;
        var stored = 0; // turns in the conversation

        async Task SeedToAsync(int turns)
        {
            for (; stored < turns; stored++)
            {
                var now = host.Clock.GetUtcNow();
                var question = await store.AddUserMessageAsync(user.UserId, conversation, history[2 * stored].Text, newest, now, default);
                var answer = new StoredMessage(ConversationStore.AnswerIdFor(question.Id), ChatTurn.Assistant, history[2 * stored + 1].Text, now, MessageStatus.Ok, ModelOptions.OpenAICompatible, 0, 0);
                await store.CompleteTurnAsync(user.UserId, conversation, answer, trends, stored == 0 ? "Hooks" : null, 2 * (stored + 1), now, default);
                newest = question.Id;
            }
        }

        var lastTurn = Bench.Size(100, 500);
        var measured = new[] { 10, 100, 500 }.Where(t => t <= lastTurn).ToList();
        output.WriteLine($"budget {options.PromptTokenBudget} prompt tokens (o200k), grounding ≤ {options.GroundingTokenBudget}, summary ≤ {options.SummaryTokenBudget}, recent messages ≤ {options.RecentTurns}; {Bench.Name} size");
        string? prefix = null;
        foreach (var turn in measured)
        {
            await SeedToAsync(turn - 1);
            var before = model.Requests.Count;
            using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = Question });
            var events = await Sse.ReadAllAsync(response);
            var done = Assert.Single(events, e => e.Name == "done");
            stored++;
            newest = done.Data.GetProperty("userMessageId").GetString();
            var request = Assert.Single(model.Requests.Skip(before));

            // What reached the model, counted as the app counts (o200k, per-message overhead, reply priming).
            var messages = request.Json["messages"]!.AsArray().Select(m => (Role: m!["role"]!.GetValue<string>(), Text: Content(m!))).ToList();
            int Cost((string Role, string Text) m) => tokens.Count(m.Text) + TokenCounter.PerMessageOverhead;
            var total = messages.Sum(Cost) + TokenCounter.ReplyPriming;
            var grounding = messages.Where(m => m.Role == "user" && m.Text.Contains("<sources>", StringComparison.Ordinal)).ToList();
            var groundingTokens = grounding.Sum(Cost);
            var trendsMessage = messages.FindIndex(m => m.Text.Contains("skincareroutine", StringComparison.Ordinal));
            var stablePrefix = string.Join("\n", messages.Take(3).Select(m => m.Role + ":" + m.Text)); // system, trends, niche details
            var summary = messages.Where(m => m.Role == "user" && m.Text.StartsWith("Résumé automatique", StringComparison.Ordinal)).Sum(Cost);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"turn {turn,3} ({2 * (turn - 1)} earlier messages): {total,5} prompt tokens sent in {messages.Count} messages, stable prefix {messages.Take(3).Sum(Cost)}, grounding {groundingTokens} = {(double)groundingTokens / total:P1} of the prompt, rolling summary {summary}, {messages.Count(m => m.Role == "assistant")} earlier answers verbatim"));

            Assert.True(total <= options.PromptTokenBudget, $"turn {turn}: {total} prompt tokens sent; the budget is {options.PromptTokenBudget}");
            var block = Assert.Single(grounding);
            Assert.True(groundingTokens <= options.GroundingTokenBudget, $"turn {turn}: grounding {groundingTokens} tokens");
            Assert.Contains("hook", block.Text, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1, trendsMessage); // the trends data block, second in the stable prefix
            Assert.Equal(Question, messages[^1].Text);
            if (turn >= 100) Assert.True(summary > 0, $"turn {turn}: the older turns are not summarised");
            if (prefix is not null) Assert.Equal(prefix, stablePrefix); // byte-identical: prompt caching applies
            prefix = stablePrefix;
        }
    }

    private static string Content(JsonNode message) => message["content"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")),
        _ => "",
    };
}
