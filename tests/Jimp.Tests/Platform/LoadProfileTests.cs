using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;
using Xunit.Abstractions;

namespace Jimp.Tests.Platform;

/// <summary>
/// Load profile of streaming chat turns against the DevHost and Azurite, loopback only, bounded in count: creators
/// send turns one at a time, then all at once, through the model's real wire format (the local fake OpenAI
/// server). Prints p50/p95/p99 of the time to the first streamed delta and to the end of the turn, and storage
/// requests per turn; requires 0 errors and 0 lost messages (every accepted turn stored with its answer).
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class LoadProfileTests(ITestOutputHelper output)
{
    private sealed record Turn(double FirstDeltaMs, double EndMs, bool Done, string? AnswerId);

    [Fact]
    public async Task Concurrent_streaming_chat_turns_lose_nothing_and_print_their_latency_profile()
    {
        await using var model = await FakeOpenAIServer.StartAsync();
        var firstToken = TimeSpan.FromMilliseconds(50);
        model.Default = FakeReply.Answer("Voici ", "trois ", "idées ", "de ", "hooks ", "pour ", "ta ", "crème.") with { FirstChunkDelay = firstToken, ChunkDelay = TimeSpan.FromMilliseconds(10) };
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            foreach (var (k, v) in CoachHarness.OpenAICompatible(model)) o.Settings[k] = v;
        });
        var concurrency = Bench.Size(5, 20);
        var rounds = Bench.Size(2, 5);
        var creators = new List<(UserClient User, string Conversation)>();
        for (var i = 0; i < concurrency; i++)
        {
            var user = await CoachingApiTests.OnboardedAsync(host);
            creators.Add((user, await CoachingApiTests.NewConversationAsync(user)));
        }
        await TurnAsync(host, creators[0]); // warm the path once

        // One stream at a time.
        var alone = new List<Turn>();
        var before = host.Counter.Snapshot();
        for (var i = 0; i < concurrency * rounds / 2; i++) alone.Add(await TurnAsync(host, creators[i % concurrency]));
        var aloneStorage = host.Counter.Snapshot().Since(before);

        // All creators at once, round after round.
        var together = new List<Turn>();
        before = host.Counter.Snapshot();
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            together.AddRange(await Task.WhenAll(creators.Select(c => TurnAsync(host, c))));
        }
        watch.Stop();
        var togetherStorage = host.Counter.Snapshot().Since(before);

        output.WriteLine($"load profile ({Bench.Name}): model first token {firstToken.TotalMilliseconds:0} ms, then 8 chunks 10 ms apart; {Environment.ProcessorCount} cores");
        Print("1 stream at a time", alone, aloneStorage);
        Print($"{concurrency} concurrent streams × {rounds} rounds ({together.Count / watch.Elapsed.TotalSeconds:0.0} turns/s)", together, togetherStorage);

        // Nothing lost: every answer a stream announced is stored in its conversation (all pages read).
        var all = alone.Concat(together).ToList();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (user, conversation) in creators)
        {
            string? cursor = null;
            do
            {
                var detail = await user.GetJsonAsync($"/api/conversations/{conversation}" + (cursor is null ? "" : "?cursor=" + cursor));
                foreach (var m in detail.GetProperty("messages").EnumerateArray()) stored.Add(m.GetProperty("id").GetString()!);
                cursor = detail.GetProperty("next").ValueKind == JsonValueKind.String ? detail.GetProperty("next").GetString() : null;
            }
            while (cursor is not null);
        }
        var lost = all.Count(t => t.AnswerId is not null && !stored.Contains(t.AnswerId));
        var answered = all.Count(t => t.Done);
        output.WriteLine($"turns {all.Count}: {answered} answered, {all.Count - answered} errors, {lost} lost");
        Assert.Equal(all.Count, answered);
        Assert.Equal(0, lost);
        foreach (var (user, _) in creators) user.Dispose();
    }

    private void Print(string label, List<Turn> turns, Jimp.Functions.Platform.Storage.StorageCounts storage)
    {
        var first = turns.Select(t => t.FirstDeltaMs).Order().ToArray();
        var end = turns.Select(t => t.EndMs).Order().ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {turns.Count} turns; first delta p50 {P(first, 0.50):0} ms, p95 {P(first, 0.95):0} ms, p99 {P(first, 0.99):0} ms; end of turn p50 {P(end, 0.50):0} ms, p95 {P(end, 0.95):0} ms, p99 {P(end, 0.99):0} ms; storage requests per turn {(double)storage.Total / turns.Count:0.00} ({storage})"));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static async Task<Turn> TurnAsync(JimpTestHost host, (UserClient User, string Conversation) creator)
    {
        using var http = host.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/conversations/{creator.Conversation}/messages") { Content = JsonContent.Create(new { text = "Donne-moi des hooks pour ma crème" }) };
        request.Headers.Add("Cookie", $"jimp_session={creator.User.Cookie}");
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        var watch = Stopwatch.StartNew();
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var seen = new StringBuilder();
        double firstDelta = double.NaN;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
            if (double.IsNaN(firstDelta) && seen.ToString().Contains("event: delta", StringComparison.Ordinal)) firstDelta = watch.Elapsed.TotalMilliseconds;
        }
        var end = watch.Elapsed.TotalMilliseconds;
        var events = Sse.Parse(seen.ToString());
        var done = events.FirstOrDefault(e => e.Name == "done");
        return new Turn(firstDelta, end, done is not null, done?.Data.GetProperty("assistantMessageId").GetString());
    }
}
