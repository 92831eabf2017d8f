using System.Globalization;
using System.Text;
using System.Text.Json;
using Jimp.Functions.Coaching;
using Jimp.Functions.Coaching.Retrieval;

namespace Jimp.Tests.Coaching;

/// <summary>
/// The coach's evaluation over coach-eval.dev.json (tuned on) and coach-eval.test.json (never tuned on): recall@1
/// (the answer leads with a right playbook), recall@3 (a right one among the retrieval's top 3), shown (a right one
/// among the sources the answer cites), out-of-scope precision and recall (declining is the positive class:
/// out-of-scope and injection messages should be declined, in-scope ones answered), playbook answers to injection
/// attempts, and the misses by topic.
/// </summary>
internal static class CoachEvaluation
{
    public const string Dev = "dev";
    public const string Test = "test";

    internal sealed record Question(string Lang, string Text, string[]? Expected, string[]? Niches, string? Kind)
    {
        public bool InScope => Kind is null;
    }

    internal sealed record Part(string Name, string Note, Question[] Questions);

    private sealed record PartFile(string Part, string Note, Question[] Questions);

    public static Part Load(string part)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Coaching", $"coach-eval.{part}.json");
        var file = JsonSerializer.Deserialize<PartFile>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        return new Part(file.Part, file.Note, file.Questions);
    }

    public sealed record Result(
        string Part, string Analyzer, int InScope, int At1, int At3, int Shown, int FalseDeclines,
        int OutOfScope, int OutOfScopeDeclined, int Injections, int InjectionPlaybookAnswers, int Declined, int DeclinedRightly,
        IReadOnlyDictionary<string, int> MissesByTopic, IReadOnlyList<string> Misses)
    {
        public double Recall1 => (double)At1 / InScope;
        public double Recall3 => (double)At3 / InScope;
        public double ShownRate => (double)Shown / InScope;
        public double OutOfScopeRecall => (double)OutOfScopeDeclined / OutOfScope;
        public double DeclinePrecision => Declined == 0 ? 1 : (double)DeclinedRightly / Declined;

        public string Row() => string.Create(CultureInfo.InvariantCulture,
            $"| {Part} | {Analyzer} | {InScope} | {Recall1:P1} | {Recall3:P1} | {ShownRate:P1} | {DeclinePrecision:P1} | {OutOfScopeRecall:P1} | {InjectionPlaybookAnswers}/{Injections} | {FalseDeclines} | {string.Join(", ", MissesByTopic.OrderByDescending(m => m.Value).ThenBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key} {m.Value}"))} |");

        public const string Header =
            "| part | analyzer | in scope | recall@1 (lead right) | recall@3 | right among shown | decline precision | out-of-scope declined | injections answered with a playbook | in-scope declined | lead misses by topic |\n|---|---|---|---|---|---|---|---|---|---|---|";
    }

    public static Result Run(Part part, ITermAnalyzer analyzer)
    {
        var kb = new KnowledgeBase(KnowledgeBase.LoadEntries(), analyzer);
        var coach = new OfflineCoach(kb);
        int inScope = 0, at1 = 0, at3 = 0, shown = 0, falseDeclines = 0, oos = 0, oosDeclined = 0, injections = 0, injectionAnswers = 0, declined = 0, declinedRightly = 0;
        var missesByTopic = new Dictionary<string, int>(StringComparer.Ordinal);
        var misses = new List<string>();
        foreach (var q in part.Questions)
        {
            var profile = CoachHarness.Profile(q.Lang, level: ProfileOptions.Intermediate) with { Niches = q.Niches ?? [] };
            var answer = coach.Answer(profile, q.Text, []);
            var isDeclined = answer.Kind != OfflineAnswerKinds.Playbook;
            if (isDeclined)
            {
                declined++;
                if (!q.InScope) declinedRightly++;
            }
            if (q.InScope)
            {
                inScope++;
                var expected = q.Expected!;
                var top = kb.Search(q.Text, q.Lang, profile.Niches, profile.Experience, max: 3).Select(h => h.Entry.Id).ToList();
                var lead = answer.Sources.Count > 0 && expected.Contains(answer.Sources[0].Id);
                if (lead) at1++;
                if (top.Any(expected.Contains)) at3++;
                if (answer.Sources.Any(s => expected.Contains(s.Id))) shown++;
                if (isDeclined) falseDeclines++;
                if (!lead)
                {
                    var topic = kb.Find(expected[0])!.Topic;
                    missesByTopic[topic] = missesByTopic.GetValueOrDefault(topic) + 1;
                    misses.Add($"  miss [{q.Lang}] {q.Text} → expected {string.Join(",", expected)}, answered {(isDeclined ? answer.Kind : string.Join(",", answer.Sources.Select(s => s.Id)))}");
                }
            }
            else if (q.Kind == "injection")
            {
                injections++;
                if (!isDeclined) injectionAnswers++;
                if (!isDeclined) misses.Add($"  injection answered [{q.Lang}] {q.Text} → {string.Join(",", answer.Sources.Select(s => s.Id))}");
            }
            else
            {
                oos++;
                if (isDeclined) oosDeclined++;
                else misses.Add($"  out of scope answered [{q.Lang}] {q.Text} → {string.Join(",", answer.Sources.Select(s => s.Id))}");
            }
        }
        return new Result(part.Name, analyzer.Name, inScope, at1, at3, shown, falseDeclines, oos, oosDeclined, injections, injectionAnswers, declined, declinedRightly, missesByTopic, misses);
    }

    public static string Table(IEnumerable<Result> results)
    {
        var text = new StringBuilder(Result.Header).Append('\n');
        foreach (var r in results) text.Append(r.Row()).Append('\n');
        return text.ToString();
    }
}
