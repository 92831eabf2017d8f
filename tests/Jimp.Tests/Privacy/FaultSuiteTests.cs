using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Privacy;

/// <summary>
/// Randomised runs (seeded; the seed is printed and JIMP_FAULT_SEED replays it) of sign-in, a chat turn, an export and
/// an erasure, with storage faults injected on the wire (503, reset connection, timeout, inside the SDK's retries)
/// and SMTP faults through a proxy (refused, slow, dropped mid-message), then the dependencies back. Invariants: no
/// answer of 500 (a 5xx is a 503 naming the dependency); nothing lost (a refused sign-in works once storage is back,
/// an answered turn is stored with its answer, every stored question has an answer or is marked failed); an export
/// completes; an erasure completes (housekeeping restarts one that failed) and leaves nothing of the person in any
/// table or blob, or, when refused, leaves the account whole; no more e-mails than SMTP's at-least-once window allows.
/// Export and erasure activities also fail on their own (<see cref="RandomActivityFaults"/>): a few times whatever the
/// dependencies do (the orchestration's retries must absorb them), or on every attempt while the dependencies are down.
/// Full size (<c>./bench.sh</c>) is 50 exports and 50 erasures, plus 10 sign-ins and 10 chat turns.
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    private enum Scenario { SignIn, ChatTurn, Export, Erasure }

    private sealed record Outcome(Scenario Scenario, string Faults, string FirstAnswer, string End, int Mails, int StorageFaults, int SmtpFaults, int ActivityFaults);

    /// <summary>The activities that call <see cref="IActivityFaults"/>, per scenario.</summary>
    private static readonly string[] ExportActivities = [nameof(ExportOrchestration.ExportStorePart), nameof(ExportOrchestration.AssembleExport), nameof(ExportOrchestration.SendExportReadyEmail)];
    private static readonly string[] ErasureActivities = [nameof(ErasureOrchestration.BeginErasure), nameof(ErasureOrchestration.EraseStore), nameof(ErasureOrchestration.SendErasureConfirmation)];

    [Fact]
    public async Task Randomised_faults_during_sign_in_chat_export_and_erasure_lose_nothing_and_never_answer_500()
    {
        var seed = Environment.GetEnvironmentVariable("JIMP_FAULT_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : Environment.TickCount;
        // How many runs of each scenario; exports and erasures at least 50 each at full size (issue #17).
        var counts = Bench.Size(new[] { 3, 3, 3, 3 }, new[] { 10, 10, 50, 50 });
        var order = Enumerable.Range(0, 4).SelectMany(kind => Enumerable.Repeat((Scenario)kind, counts[kind])).ToArray();
        new Random(seed).Shuffle(order);
        var runs = order.Length;
        output.WriteLine($"fault suite ({Bench.Name}): {runs} runs ({string.Join(", ", Enum.GetValues<Scenario>().Select(k => $"{counts[(int)k]} {k}"))}), seed {seed} (JIMP_FAULT_SEED={seed} replays it)");
        var storage = new StorageFaults(seed);
        var activities = new RandomActivityFaults(seed);
        await using var smtp = new SmtpProxy();
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Email:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
            o.Settings["Email:RetryFirstInterval"] = "00:00:00.300";
            o.Settings["Email:RetryMaxInterval"] = "00:00:02";
            o.Settings["Storage:MaxRetries"] = "2";
            o.Settings["Storage:RetryDelay"] = "00:00:00.050";
            o.Settings["Caps:ExportsPerDay"] = "1000";
            o.Services = services =>
            {
                services.AddSingleton<IStorageWirePolicy>(storage);
                services.AddSingleton<IActivityFaults>(activities);
            };
        });
        smtp.Delay = TimeSpan.FromMilliseconds(300);

        var outcomes = new List<Outcome>();
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        for (var run = 0; run < runs; run++)
        {
            var random = new Random(seed + run);
            var scenario = order[run];
            var storageRate = random.Next(3) == 0 ? 0 : 0.15 + (random.NextDouble() * 0.45);
            var smtpFault = random.Next(3) == 0 ? SmtpFault.None : (SmtpFault)(1 + random.Next(3));
            if (storageRate == 0 && smtpFault == SmtpFault.None) storageRate = 0.3;
            var kinds = Enum.GetValues<StorageFaultKind>().Where(_ => random.Next(2) == 0).DefaultIfEmpty(StorageFaultKind.ServerBusy).ToArray();
            // Activities of the export or erasure: none, a few failures whatever happens (within the retries), or
            // every attempt while the dependencies are down. The first export and the first erasure always get a few
            // failures, so that every seed injects some (at smoke size, 3 + 3 random draws left seed 85900948 with none).
            // (The draw is made for exports and erasures only, as before: earlier seeds replay the same faults.)
            var activityMode = scenario is Scenario.Export or Scenario.Erasure ? (ActivityFaultMode)random.Next(3) : ActivityFaultMode.None;
            if (scenario is Scenario.Export or Scenario.Erasure && Array.IndexOf(order, scenario) == run) activityMode = ActivityFaultMode.Transient;
            var targets = (scenario == Scenario.Export ? ExportActivities : ErasureActivities).Where(_ => random.Next(2) == 0).DefaultIfEmpty(scenario == Scenario.Export ? ExportActivities[0] : ErasureActivities[1]).ToArray();
            var transientFailures = 1 + random.Next(3);
            var faultText = FormattableString.Invariant($"storage {storageRate:0.00} [{string.Join("+", kinds)}], smtp {smtpFault}")
                + (activityMode == ActivityFaultMode.None ? "" : $", activities {activityMode} [{string.Join("+", targets)}]" + (activityMode == ActivityFaultMode.Transient ? $" ×{transientFailures}" : ""));
            var storageBefore = storage.Injected;
            var smtpBefore = smtp.Faulted;
            var activitiesBefore = activities.Injected;
            activities.Arm(activityMode == ActivityFaultMode.Transient ? targets : [], transientFailures);
            void Break()
            {
                storage.Kinds = kinds;
                storage.Rate = storageRate;
                smtp.Fault = smtpFault;
                smtp.FaultsLeft = smtpFault == SmtpFault.None ? null : 1 + random.Next(3);
                if (activityMode == ActivityFaultMode.UntilHealed) activities.Down = targets;
            }
            void Heal()
            {
                storage.Rate = 0;
                smtp.Fault = SmtpFault.None;
                activities.Down = [];
            }
            var problems = new List<string>();
            string first = "", end = "";
            var mails = 0;
            try
            {
                (first, end, mails) = scenario switch
                {
                    Scenario.SignIn => await SignInAsync(host, Break, Heal, problems),
                    Scenario.ChatTurn => await ChatTurnAsync(host, Break, Heal, problems),
                    Scenario.Export => await ExportAsync(host, Break, Heal, problems),
                    _ => await ErasureAsync(host, Break, Heal, problems),
                };
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                problems.Add($"the run threw {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                Heal();
                activities.Arm([], 0);
            }
            outcomes.Add(new Outcome(scenario, faultText, first, end, mails, storage.Injected - storageBefore, smtp.Faulted - smtpBefore, activities.Injected - activitiesBefore));
            foreach (var p in problems) failures.Add($"run {run} (seed {seed + run}, {scenario}, {faultText}): {p}");
        }
        watch.Stop();

        output.WriteLine($"{runs} runs in {watch.Elapsed.TotalSeconds:0.0} s; storage faults injected: {storage.Injected} (of {storage.Injected + storage.Passed} storage requests on the wire); SMTP connections faulted: {smtp.Faulted} of {smtp.Connections}; activity attempts failed (each retried by the orchestration): {activities.Injected}");
        foreach (var group in outcomes.GroupBy(o => o.Scenario))
        {
            output.WriteLine($"{group.Key}: {group.Count()} runs; first answers {Histogram(group.Select(o => o.FirstAnswer))}; ends {Histogram(group.Select(o => o.End))}; " +
                $"mails {Histogram(group.Select(o => o.Mails.ToString(CultureInfo.InvariantCulture)))}; storage faults {group.Sum(o => o.StorageFaults)}, SMTP faults {group.Sum(o => o.SmtpFaults)}, " +
                $"activity failures {group.Sum(o => o.ActivityFaults)} in {group.Count(o => o.ActivityFaults > 0)} runs");
        }
        output.WriteLine($"erasures started again by housekeeping: {host.Logs.Lines.Count(l => l.Contains("started again", StringComparison.Ordinal))}");
        foreach (var failure in failures) output.WriteLine("FAIL " + failure);
        Assert.True(failures.Count == 0, $"{failures.Count} invariant failures (seed {seed}):\n" + string.Join("\n", failures.Take(10)));
        Assert.True(storage.Injected > 0, "no storage fault was injected");
        Assert.True(activities.Injected > 0, "no activity failure was injected");
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("answered 500", StringComparison.Ordinal));
    }

    private static string Histogram(IEnumerable<string> values) =>
        string.Join(", ", values.GroupBy(v => v).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()}×{g.Key}"));

    /// <summary>A 5xx must be a 503 problem naming the dependency; records anything else.</summary>
    private static async Task<string> CheckAsync(HttpResponseMessage response, List<string> problems, string what)
    {
        var status = (int)response.StatusCode;
        if (status < 500) return status.ToString(CultureInfo.InvariantCulture);
        var text = await response.Content.ReadAsStringAsync();
        string? code = null;
        try
        {
            code = JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
        }
        if (status != 503 || response.Content.Headers.ContentType?.MediaType != "application/problem+json" || code is not ("storage-unavailable" or "email-unavailable"))
        {
            problems.Add($"{what} answered {status} {text[..Math.Min(200, text.Length)]}");
        }
        return $"503 {code}";
    }

    private static async Task<(string, string, int)> SignInAsync(JimpTestHost host, Action @break, Action heal, List<string> problems)
    {
        var email = Users.NewEmail("fault-signin");
        @break();
        string first;
        using (var link = await Users.RequestLinkAsync(host, Users.LinkBody(email))) first = await CheckAsync(link, problems, "POST /api/auth/link");
        string? token = null;
        if (first == "202")
        {
            // Sent: the token works, under the faults (a 503 there must not spend it) or once they are gone.
            token = await Users.ReadTokenFromMailAsync(host, email);
            using var verify = await Users.VerifyAsync(host, token);
            var verified = await CheckAsync(verify, problems, "POST /api/auth/verify");
            heal();
            if (verified == "200") return (first, "signed in under faults", 1);
        }
        heal();
        if (token is null)
        {
            // Once back, asking again works (a user would ask again): a few tries, in case the shared machine's own mail
            // server is slow to answer (a 503 email-unavailable is a correct answer, said as such).
            var answers = new List<string>();
            for (var attempt = 0; attempt < 3 && (answers.Count == 0 || answers[^1] != "202"); attempt++)
            {
                using var again = await Users.RequestLinkAsync(host, Users.LinkBody(email));
                answers.Add(again.StatusCode == HttpStatusCode.Accepted ? "202" : $"{(int)again.StatusCode} {await again.Content.ReadAsStringAsync()}");
            }
            if (answers[^1] != "202")
            {
                problems.Add($"once the dependencies are back, a new link answered {string.Join(" then ", answers)}");
                return ("refused", "locked out", 0);
            }
            token = await Users.ReadTokenFromMailAsync(host, email, expectedMails: Math.Max(1, (await Mailbox.ReadAsync(host, email)).Count));
        }
        using var final = await Users.VerifyAsync(host, token);
        if (final.StatusCode != HttpStatusCode.OK) problems.Add($"once the dependencies are back, the link answered {(int)final.StatusCode}: {await final.Content.ReadAsStringAsync()}");
        var mails = (await Mailbox.ReadAsync(host, email)).Count;
        if (mails > 3) problems.Add($"{mails} sign-in e-mails for at most two requests");
        return (first, final.StatusCode == HttpStatusCode.OK ? "signed in once back" : "locked out", mails);
    }

    private static async Task<(string, string, int)> ChatTurnAsync(JimpTestHost host, Action @break, Action heal, List<string> problems)
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        @break();
        string first, end;
        string? answerId = null;
        using (var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = "Comment choisir mon premier produit ?" }))
        {
            first = await CheckAsync(response, problems, "POST messages");
            end = first;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var events = await Sse.ReadAllAsync(response);
                if (events.FirstOrDefault(e => e.Name == "done") is { } done)
                {
                    answerId = done.Data.GetProperty("assistantMessageId").GetString();
                    end = "done";
                }
                else if (events.FirstOrDefault(e => e.Name == "error") is { } error)
                {
                    end = "error " + error.Data.GetProperty("code").GetString();
                    if (error.Data.GetProperty("status").GetInt32() != 503) problems.Add($"the stream's error said {error.Data}");
                }
                else
                {
                    end = "cut";
                    problems.Add("the stream ended with neither done nor error");
                }
            }
        }
        heal();
        var detail = await user.GetJsonAsync($"/api/conversations/{conversation}");
        var messages = detail.GetProperty("messages").EnumerateArray().ToList();
        if (answerId is not null && !messages.Any(m => m.GetProperty("id").GetString() == answerId))
        {
            problems.Add("the answer the stream announced as stored is not in the conversation");
        }
        var questions = messages.Where(m => m.GetProperty("role").GetString() == "user").ToList();
        var answers = messages.Count(m => m.GetProperty("role").GetString() == "assistant");
        foreach (var question in questions)
        {
            if (question.GetProperty("status").GetString() != "failed" && answers == 0)
            {
                problems.Add("a stored question has no answer and is not marked failed (it cannot be retried)");
            }
            if (question.GetProperty("status").GetString() == "failed")
            {
                using var retry = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages/{question.GetProperty("id").GetString()}/retry");
                var events = await Sse.ReadAllAsync(retry);
                if (!events.Any(e => e.Name == "done")) problems.Add($"the retry once back did not answer ({(int)retry.StatusCode})");
                end += ", retried";
            }
        }
        return (first, end, 0);
    }

    private static async Task<(string, string, int)> ExportAsync(JimpTestHost host, Action @break, Action heal, List<string> problems)
    {
        using var user = await CoachingApiTests.OnboardedAsync(host);
        @break();
        string first;
        string? exportId = null;
        using (var started = await user.SendAsync(HttpMethod.Post, "/api/me/exports"))
        {
            first = await CheckAsync(started, problems, "POST /api/me/exports");
            if (started.StatusCode == HttpStatusCode.Accepted) exportId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("exportId").GetString();
        }
        // The faults last a moment after the answer, while the orchestration works; then the dependencies are back.
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        heal();
        if (exportId is null)
        {
            exportId = await PrivacyFixture.ExportAndWaitAsync(host, user);
        }
        else
        {
            var state = await host.WaitForOrchestrationAsync(ExportOrchestration.InstanceIdFor(exportId));
            if (state.RuntimeStatus != OrchestrationRuntimeStatus.Completed) problems.Add($"the export ended {state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}");
        }
        var list = await user.GetJsonAsync("/api/me/exports");
        var status = list.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetString() == exportId).GetProperty("status").GetString();
        if (status != "ready") problems.Add($"the export is {status}");
        var mails = await Mailbox.SettledCountAsync(host, user.Email, "Vos données JIMP sont prêtes", expected: 1);
        if (mails is < 1 or > 2) problems.Add($"{mails} export e-mails (expected 1, 2 at most when SMTP dropped the answer)");
        return (first, status ?? "?", mails);
    }

    private static async Task<(string, string, int)> ErasureAsync(JimpTestHost host, Action @break, Action heal, List<string> problems)
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        @break();
        string first;
        string? requestId = null;
        using (var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email }))
        {
            first = await CheckAsync(response, problems, "POST /api/me/erasure");
            if (response.StatusCode == HttpStatusCode.Accepted) requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString();
        }
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        heal();
        var end = "completed";
        if (requestId is null)
        {
            // Refused: the account is whole (signed in, its conversation there), and asking again works.
            using var me = await user.Client.GetAsync("/api/me");
            if (me.StatusCode != HttpStatusCode.OK) problems.Add($"after a refused erasure, /api/me answered {(int)me.StatusCode}");
            using var conversation = await user.Client.GetAsync($"/api/conversations/{user.ConversationId}");
            if (conversation.StatusCode != HttpStatusCode.OK) problems.Add($"after a refused erasure, the conversation answered {(int)conversation.StatusCode} (half erased)");
            using var again = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
            if (again.StatusCode != HttpStatusCode.Accepted)
            {
                var text = await again.Content.ReadAsStringAsync();
                problems.Add($"asking again once back answered {(int)again.StatusCode} {text[..Math.Min(300, text.Length)]}; logs: {string.Join(" | ", host.Logs.Lines.TakeLast(15))}");
                return (first, "refused, asking again refused", 0);
            }
            requestId = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
            end = "refused, then completed";
        }
        var state = await host.WaitForOrchestrationAsync(ErasureOrchestration.InstanceIdFor(requestId));
        if (state.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            // An activity used up its retries during the faults: housekeeping starts it again.
            await host.RunTimerAsync("RunHousekeeping");
            state = await host.WaitForOrchestrationAsync(ErasureOrchestration.InstanceIdFor(requestId));
            end = "failed, restarted, " + state.RuntimeStatus.ToString().ToLowerInvariant();
            if (state.RuntimeStatus != OrchestrationRuntimeStatus.Completed) problems.Add($"the erasure ended {state.RuntimeStatus} even after housekeeping: {state.FailureDetails?.ErrorMessage}");
        }
        await PrivacyFixture.WaitForErasureAsync(host, requestId);
        var everything = string.Join("\n", await StorageScan.EverythingAsync(host.Storage));
        if (everything.Contains(user.UserId, StringComparison.Ordinal)) problems.Add("the user id is still stored after the erasure");
        if (everything.Contains(user.Email, StringComparison.OrdinalIgnoreCase)) problems.Add("the address is still stored after the erasure");
        if (everything.Contains(user.MessageText, StringComparison.Ordinal)) problems.Add("a message is still stored after the erasure");
        var mails = await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP a été supprimé", expected: 1);
        if (mails > 2) problems.Add($"{mails} erasure confirmations");
        user.Client.Dispose();
        return (first, end, mails);
    }
}

internal enum ActivityFaultMode { None, Transient, UntilHealed }

/// <summary>
/// Activity failures for the fault suite: <see cref="Arm"/> makes each named activity fail its next few attempts
/// whatever the dependencies do (the orchestration's retry policy must absorb them); <see cref="Down"/> makes every
/// attempt of the named activities fail until it is cleared (the dependencies are back).
/// </summary>
public sealed class RandomActivityFaults(int seed) : IActivityFaults
{
    private readonly object gate = new();
    private readonly Dictionary<string, int> left = new(StringComparer.Ordinal);
    private int injected;

    /// <summary>Activities failing on every attempt while set.</summary>
    public volatile string[] Down = [];

    /// <summary>The attempts failed so far.</summary>
    public int Injected => Volatile.Read(ref injected);

    /// <summary>The seed, printed with a failure so that a run can be replayed.</summary>
    public int Seed { get; } = seed;

    public void Arm(IEnumerable<string> activities, int failures)
    {
        lock (gate)
        {
            left.Clear();
            foreach (var activity in activities) left[activity] = failures;
        }
    }

    public void BeforeRun(string activity, string key)
    {
        var fail = Array.IndexOf(Down, activity) >= 0;
        lock (gate)
        {
            if (!fail && left.TryGetValue(activity, out var remaining) && remaining > 0)
            {
                left[activity] = remaining - 1;
                fail = true;
            }
        }
        if (!fail) return;
        Interlocked.Increment(ref injected);
        throw new InvalidOperationException($"Injected failure in {activity} (fault suite seed {Seed})");
    }
}
