using System.Globalization;
using System.Text.Json;
using Jimp.Functions.Coaching;
using Xunit.Abstractions;

namespace Jimp.Tests.Coaching;

/// <summary>Retrieval quality of the offline coach over the labelled questions in offline-coach-eval.json.</summary>
public sealed class OfflineCoachEvalTests(ITestOutputHelper output)
{
    internal sealed record EvalQuestion(string Lang, string Text, string[] Expected);

    private sealed record EvalFile(EvalQuestion[] Questions);

    internal static IReadOnlyList<EvalQuestion> LoadQuestions()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Coaching", "offline-coach-eval.json");
        var file = JsonSerializer.Deserialize<EvalFile>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return file!.Questions;
    }

    [Fact]
    public void Eval_set_only_names_entries_that_exist()
    {
        var kb = KnowledgeBase.LoadEmbedded();
        var ids = kb.Entries.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(55, kb.Entries.Count);
        Assert.Equal(kb.Entries.Count, ids.Count);
        var questions = LoadQuestions();
        Assert.Equal(78, questions.Count);
        Assert.All(questions, q => Assert.All(q.Expected, id => Assert.Contains(id, ids)));
    }

    [Fact]
    public void Retrieval_finds_an_expected_entry_in_the_top_3_for_80_percent_of_questions_in_each_language()
    {
        var kb = KnowledgeBase.LoadEmbedded();
        var questions = LoadQuestions();
        var misses = new List<string>();
        var recall = new Dictionary<string, (int Total, int At1, int At3)>(StringComparer.Ordinal);
        foreach (var q in questions)
        {
            // No profile: retrieval alone must find the entries (niche and level boosts only help).
            var top = kb.Search(q.Text, q.Lang, max: 3).Select(h => h.Entry.Id).ToList();
            var at1 = top.Count > 0 && q.Expected.Contains(top[0]);
            var at3 = top.Any(q.Expected.Contains);
            foreach (var key in new[] { q.Lang, "all" })
            {
                var (total, r1, r3) = recall.GetValueOrDefault(key);
                recall[key] = (total + 1, r1 + (at1 ? 1 : 0), r3 + (at3 ? 1 : 0));
            }
            if (!at3)
            {
                misses.Add($"  miss [{q.Lang}] {q.Text} → expected {string.Join(",", q.Expected)}, got {string.Join(",", top)}");
            }
        }
        foreach (var (lang, (total, at1, at3)) in recall.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{lang}: {total} questions, recall@1 = {(double)at1 / total:0.000}, recall@3 = {(double)at3 / total:0.000}"));
        }
        misses.ForEach(output.WriteLine);
        Assert.All(recall, r => Assert.True((double)r.Value.At3 / r.Value.Total >= 0.8, $"recall@3 for {r.Key} is below 0.8"));
    }
}
