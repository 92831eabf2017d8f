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
        var concurrency = Bench.Size(3, 20);
        var rounds = Bench.Size(2, 5);
        var creators = await CoachingApiTests.CreatorsWithConversationsAsync(host, concurrency);
        await NewConnectionTurnAsync(host, creators[0]); // warm the path once

        // One stream at a time.
        var alone = new List<Turn>();
        var before = host.Counter.Snapshot();
        for (var i = 0; i < concurrency * rounds / 2; i++) alone.Add(await NewConnectionTurnAsync(host, creators[i % concurrency]));
        var aloneStorage = host.Counter.Snapshot().Since(before);

        // All creators at once, round after round.
        var together = new List<Turn>();
        before = host.Counter.Snapshot();
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++)
        {
            together.AddRange(await Task.WhenAll(creators.Select(c => NewConnectionTurnAsync(host, c))));
        }
        watch.Stop();
        var togetherStorage = host.Counter.Snapshot().Since(before);

        output.WriteLine($"load profile ({Bench.Name}): model first token {firstToken.TotalMilliseconds:0} ms, then 8 chunks 10 ms apart; {Environment.ProcessorCount} cores");
        Print("1 stream at a time", alone, aloneStorage);
        Print($"{concurrency} concurrent streams × {rounds} rounds ({together.Count / watch.Elapsed.TotalSeconds:0.0} turns/s)", together, togetherStorage);

        // Nothing lost: every answer a stream announced is stored in its conversation (all pages read).
        var all = alone.Concat(together).ToList();
        var lost = await LostAsync(creators, all);
        var answered = all.Count(t => t.Done);
        output.WriteLine($"turns {all.Count}: {answered} answered, {all.Count - answered} errors, {lost} lost");
        Assert.Equal(all.Count, answered);
        Assert.Equal(0, lost);
        foreach (var (user, _) in creators) user.Dispose();
    }

    /// <summary>
    /// The measurement: the offline coach (no model in the way, so the time is the server's and storage's own),
    /// one stream at a time, then N concurrent streams, then the same N streams while other creators sign in (link,
    /// e-mail, verify) and ask for exports. Prints p50/p95/p99 of each phase; requires 0 errors and 0 lost answers,
    /// every sign-in signed in and every export ready. Latency is printed, not asserted (benchmarks print figures).
    /// Each creator's turns go over one kept-alive connection, as a browser keeps its connection to the app open
    /// between turns (HTTP/1.1 keep-alive, one pooled handler per creator); the concurrent phase is run once more with
    /// a new connection (TCP connect, new handler) for every turn, printed beside it for comparison.
    /// </summary>
    [Fact]
    public async Task With_the_offline_coach_streams_sign_ins_and_exports_at_once_lose_nothing_and_print_their_latency_profile()
    {
        await using var host = await JimpTestHost.StartAsync(o => o.Settings["Caps:ExportsPerDay"] = "1000");
        var concurrency = Bench.Size(3, 20);
        var rounds = Bench.Size(2, 5);
        var creators = await CoachingApiTests.CreatorsWithConversationsAsync(host, concurrency);
        // One kept-alive connection per creator, as each creator's browser keeps one.
        var browsers = creators.Select(_ => host.NewClient()).ToArray();
        // The first turn of a conversation reads what it pins for the day (trends, the creator's numbers): warm each.
        for (var i = 0; i < concurrency; i++) await TurnAsync(browsers[i], creators[i]);

        // A server that has run a while: the measured phases start once the JIT has compiled the chat path's hot
        // methods again at their optimised tier. A fresh process spends its first seconds there (perf: the tiered
        // JIT's background thread was ~40% of the test process's CPU at 20 streams), which is the figure of a
        // server's first minute, not of its day. Warmers are creators of their own, so the measured conversations
        // keep their own history; their turns are checked for loss too.
        var warmers = await CoachingApiTests.CreatorsWithConversationsAsync(host, concurrency);
        var warmerBrowsers = warmers.Select(_ => host.NewClient()).ToArray();
        var warming = new List<Turn>();
        var warmUp = Stopwatch.StartNew();
        for (var round = 0; round < Bench.Size(2, 12); round++) warming.AddRange(await Task.WhenAll(warmers.Select((c, i) => TurnAsync(warmerBrowsers[i], c))));
        for (var i = 0; i < Bench.Size(2, 20); i++) warming.Add(await TurnAsync(warmerBrowsers[i % concurrency], warmers[i % concurrency]));
        // Until the JIT stops compiling (no new method in a second), at most Bench.Size(0, 30) s.
        var previous = JitSnapshot.Now();
        while (warmUp.Elapsed < TimeSpan.FromSeconds(Bench.Size(0, 30)))
        {
            await Task.Delay(1000);
            var now = JitSnapshot.Now();
            if (now.Since(previous).Methods == 0) break;
            previous = now;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {warming.Count} turns of {warmers.Count} other creators, {warmUp.Elapsed.TotalSeconds:0.0} s"));

        var alone = new List<Turn>();
        var before = host.Counter.Snapshot();
        var aloneJit = JitSnapshot.Now();
        for (var i = 0; i < concurrency * rounds / 2; i++) alone.Add(await TurnAsync(browsers[i % concurrency], creators[i % concurrency]));
        var aloneStorage = host.Counter.Snapshot().Since(before);
        var aloneCost = JitSnapshot.Now().Since(aloneJit);

        var together = new List<Turn>();
        before = host.Counter.Snapshot();
        var togetherJit = JitSnapshot.Now();
        var watch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++) together.AddRange(await Task.WhenAll(creators.Select((c, i) => TurnAsync(browsers[i], c))));
        watch.Stop();
        var togetherStorage = host.Counter.Snapshot().Since(before);
        var togetherCost = JitSnapshot.Now().Since(togetherJit);

        // The same, with a new connection for every turn (what the figures were taken with before session 10).
        var reconnecting = new List<Turn>();
        before = host.Counter.Snapshot();
        var reconnectingWatch = Stopwatch.StartNew();
        for (var round = 0; round < rounds; round++) reconnecting.AddRange(await Task.WhenAll(creators.Select(c => NewConnectionTurnAsync(host, c))));
        reconnectingWatch.Stop();
        var reconnectingStorage = host.Counter.Snapshot().Since(before);

        // The same streams while creators sign in and ask for exports.
        var exporters = new List<UserClient>();
        for (var i = 0; i < Bench.Size(1, 5); i++) exporters.Add(await CoachingApiTests.OnboardedAsync(host));
        var signIns = Bench.Size(2, 10);
        var mixed = new List<Turn>();
        var mixedWatch = Stopwatch.StartNew();
        var signInTimes = new List<double>();
        var exportTimes = new List<double>();
        var signingIn = Task.WhenAll(Enumerable.Range(0, signIns).Select(async _ =>
        {
            var w = Stopwatch.StartNew();
            using var user = await Users.SignUpAsync(host);
            lock (signInTimes) signInTimes.Add(w.Elapsed.TotalMilliseconds);
        }));
        var exporting = Task.WhenAll(exporters.Select(async user =>
        {
            var w = Stopwatch.StartNew();
            await Jimp.Tests.Privacy.PrivacyFixture.ExportAndWaitAsync(host, user);
            lock (exportTimes) exportTimes.Add(w.Elapsed.TotalMilliseconds);
        }));
        for (var round = 0; round < rounds; round++) mixed.AddRange(await Task.WhenAll(creators.Select((c, i) => TurnAsync(browsers[i], c))));
        await Task.WhenAll(signingIn, exporting);
        mixedWatch.Stop();

        output.WriteLine($"load profile, offline coach ({Bench.Name}): {Environment.ProcessorCount} cores");
        Print("1 stream at a time", alone, aloneStorage);
        PrintCost(aloneCost, alone.Count);
        Print($"{concurrency} concurrent streams × {rounds} rounds ({together.Count / watch.Elapsed.TotalSeconds:0.0} turns/s)", together, togetherStorage);
        PrintCost(togetherCost, together.Count);
        Print($"{concurrency} concurrent streams × {rounds} rounds, a new connection every turn ({reconnecting.Count / reconnectingWatch.Elapsed.TotalSeconds:0.0} turns/s)", reconnecting, reconnectingStorage);
        var signInSorted = signInTimes.Order().ToArray();
        var exportSorted = exportTimes.Order().ToArray();
        Print($"{concurrency} concurrent streams × {rounds} rounds with {signIns} sign-ins and {exporters.Count} exports at the same time ({mixedWatch.Elapsed.TotalSeconds:0.0} s)", mixed, null);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  meanwhile: sign-in (link, mail, verify) p50 {P(signInSorted, 0.5):0} ms, max {signInSorted[^1]:0} ms; export to ready p50 {P(exportSorted, 0.5):0} ms, max {exportSorted[^1]:0} ms"));

        var all = alone.Concat(together).Concat(reconnecting).Concat(mixed).ToList();
        var lost = await LostAsync(creators, all) + await LostAsync(warmers, warming);
        Assert.All(warming, t => Assert.True(t.Done, "a warm-up turn ended without done"));
        var answered = all.Count(t => t.Done);
        output.WriteLine($"turns {all.Count}: {answered} answered, {all.Count - answered} errors, {lost} lost; sign-ins {signInTimes.Count}/{signIns}; exports ready {exportTimes.Count}/{exporters.Count}");
        Assert.Equal(all.Count, answered);
        Assert.Equal(0, lost);
        Assert.Equal(signIns, signInTimes.Count);
        Assert.Equal(exporters.Count, exportTimes.Count);
        foreach (var (user, _) in creators) user.Dispose();
        foreach (var user in exporters) user.Dispose();
        foreach (var browser in browsers.Concat(warmerBrowsers)) browser.Dispose();
        foreach (var (user, _) in warmers) user.Dispose();
    }

    /// <summary>
    /// The test process's CPU and JIT work so far (the DevHost runs in it, with the client): what a phase cost per turn,
    /// and whether the JIT was still compiling in it.
    /// </summary>
    private readonly record struct JitSnapshot(TimeSpan Cpu, long Methods, TimeSpan JitTime)
    {
        public static JitSnapshot Now() =>
            new(Process.GetCurrentProcess().TotalProcessorTime, System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());

        public JitSnapshot Since(JitSnapshot earlier) => new(Cpu - earlier.Cpu, Methods - earlier.Methods, JitTime - earlier.JitTime);
    }

    private void PrintCost(JitSnapshot cost, int turns) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  process CPU {cost.Cpu.TotalMilliseconds / turns:0.0} ms a turn; JIT {cost.Methods} methods, {cost.JitTime.TotalMilliseconds:0} ms"));

    /// <summary>Answers a stream announced that are not stored in their conversation (all pages read).</summary>
    private static async Task<int> LostAsync(List<(UserClient User, string Conversation)> creators, List<Turn> turns)
    {
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
        return turns.Count(t => t.AnswerId is not null && !stored.Contains(t.AnswerId));
    }

    private void Print(string label, List<Turn> turns, Jimp.Functions.Platform.Storage.StorageCounts? storage)
    {
        var first = turns.Select(t => t.FirstDeltaMs).Order().ToArray();
        var end = turns.Select(t => t.EndMs).Order().ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {turns.Count} turns; first delta p50 {P(first, 0.50):0} ms, p95 {P(first, 0.95):0} ms, p99 {P(first, 0.99):0} ms; end of turn p50 {P(end, 0.50):0} ms, p95 {P(end, 0.95):0} ms, p99 {P(end, 0.99):0} ms{(storage is null ? "" : $"; storage requests per turn {(double)storage.Total / turns.Count:0.00} ({storage})")}"));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static double P(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>A turn over a connection of its own, opened for it and closed after it.</summary>
    private static async Task<Turn> NewConnectionTurnAsync(JimpTestHost host, (UserClient User, string Conversation) creator)
    {
        using var http = host.NewClient();
        return await TurnAsync(http, creator);
    }

    /// <summary>A turn sent with <paramref name="http"/> (its pooled connection, kept alive between turns).</summary>
    private static async Task<Turn> TurnAsync(HttpClient http, (UserClient User, string Conversation) creator)
    {
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
