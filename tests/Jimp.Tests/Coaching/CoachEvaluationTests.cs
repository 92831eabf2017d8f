using Jimp.Functions.Coaching;
using Jimp.Functions.Coaching.Retrieval;
using Xunit.Abstractions;

namespace Jimp.Tests.Coaching;

/// <summary>
/// The coach's evaluation (see <see cref="CoachEvaluation"/>). The dev part is what retrieval is tuned on; the test
/// part is never used for tuning and holds the targets: lead right ≥ 85 %, a right source among those shown ≥ 95 %,
/// out-of-scope declined ≥ 90 %, no playbook answer to an injection attempt. Its per-question misses are printed only
/// with JIMP_EVAL_SHOW_TEST_MISSES=1, so tuning does not look at them. Measured (session 6, after tuning on the dev
/// part only, test part measured once): test recall@1 90.0 %, recall@3 96.7 %, shown 96.7 % (58/60), out-of-scope
/// declined 90.9 % (10/11), injections 0/8; docs/coaching/retrieval.md.
/// </summary>
public sealed class CoachEvaluationTests(ITestOutputHelper output)
{
    [Fact]
    public void Evaluation_set_has_150_labelled_questions_20_out_of_scope_and_15_injections_naming_entries_that_exist()
    {
        var ids = KnowledgeBase.LoadEntries().Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var dev = CoachEvaluation.Load(CoachEvaluation.Dev);
        var test = CoachEvaluation.Load(CoachEvaluation.Test);
        var all = dev.Questions.Concat(test.Questions).ToList();
        Assert.True(all.Count >= 150, $"{all.Count} questions");
        Assert.True(all.Count(q => q.Kind == "out-of-scope") >= 20);
        Assert.True(all.Count(q => q.Kind == "injection") >= 15);
        Assert.All(all, q => Assert.Contains(q.Lang, new[] { "fr", "en" }));
        Assert.All(all.Where(q => q.InScope), q => Assert.All(q.Expected!, id => Assert.Contains(id, ids)));
        Assert.All(all.Where(q => q.InScope), q => Assert.NotEmpty(q.Expected!));
        Assert.All(all, q => Assert.True(q.Kind is null or "out-of-scope" or "injection"));
        Assert.Contains("never used for tuning", test.Note, StringComparison.Ordinal);
        // The two parts do not share a question.
        var shared = dev.Questions.Select(q => q.Text).Intersect(test.Questions.Select(q => q.Text), StringComparer.OrdinalIgnoreCase).ToList();
        Assert.Equal(["Comment trouver mon premier produit à promouvoir ?"], shared); // asked by creators of different niches
    }

    [Fact]
    public void Dev_part_figures_for_each_analyzer_tried()
    {
        var dev = CoachEvaluation.Load(CoachEvaluation.Dev);
        var results = TermAnalyzers.All.Select(a => CoachEvaluation.Run(dev, a)).ToList();
        output.WriteLine(CoachEvaluation.Table(results));
        foreach (var miss in results.Single(r => r.Analyzer == TermAnalyzers.Default.Name).Misses)
        {
            output.WriteLine(miss);
        }
        var chosen = results.Single(r => r.Analyzer == TermAnalyzers.Default.Name);
        if (Environment.GetEnvironmentVariable("JIMP_EVAL_SCORES") == "1")
        {
            foreach (var analyzer in TermAnalyzers.All)
            {
                var kb = new KnowledgeBase(KnowledgeBase.LoadEntries(), analyzer);
                foreach (var q in dev.Questions)
                {
                    var r = kb.Retrieve(q.Text, q.Lang, q.Niches ?? [], ProfileOptions.Intermediate);
                    output.WriteLine(FormattableString.Invariant($"score\t{analyzer.Name}\t{q.Kind ?? "in"}\t{r.Confidence:0.000}\t{r.Coverage:0.000}\t{r.Anchors}\t{r.Evidence}\t{r.CoreWords}\t{r.OtherDomain}\t{string.Join(",", r.Hits.Select(h => h.Entry.Id))}\t{string.Join(",", q.Expected ?? [])}\t{q.Text}"));
                }
            }
        }
        Assert.Equal(0, chosen.InjectionPlaybookAnswers);
        Assert.True(chosen.Recall1 >= 0.85, $"dev recall@1 {chosen.Recall1:P1}");
    }

    [Fact]
    public void Test_part_meets_the_targets()
    {
        var dev = CoachEvaluation.Run(CoachEvaluation.Load(CoachEvaluation.Dev), TermAnalyzers.Default);
        var test = CoachEvaluation.Run(CoachEvaluation.Load(CoachEvaluation.Test), TermAnalyzers.Default);
        output.WriteLine(CoachEvaluation.Table([dev, test]));
        if (Environment.GetEnvironmentVariable("JIMP_EVAL_SHOW_TEST_MISSES") == "1")
        {
            test.Misses.ToList().ForEach(output.WriteLine);
        }
        Assert.Equal(0, test.InjectionPlaybookAnswers);
        Assert.True(test.Recall1 >= 0.85, $"test recall@1 {test.Recall1:P1}");
        Assert.True(test.OutOfScopeRecall >= 0.90, $"test out-of-scope declined {test.OutOfScopeRecall:P1}");
        Assert.True(test.ShownRate >= 0.95, $"test right among shown {test.ShownRate:P1} ({test.Shown}/{test.InScope})");
    }
}
