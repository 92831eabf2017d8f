using System.Diagnostics;
using Azure.Data.Tables;
using Jimp.Functions.Coaching;
using Jimp.Functions.Insights;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Insights;

/// <summary>
/// What one weekly insights run costs on Azurite, in storage requests and wall time, for 250 and 1,000 people
/// (smoke size in ./test.sh: 50 and 120) asking 20 questions each in the week (each question with its answer, so the scan also passes over the
/// assistant's messages). Figures are printed; the assertions hold the shape: reads grow with pages of 1,000,
/// writes with weeks, and a second run is one request.
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class InsightsBenchmarks(ITestOutputHelper output)
{
    private const int QuestionsPerPerson = 20;

    private static readonly string[] Questions =
    [
        InsightsFixture.HookQuestion, InsightsFixture.LiveQuestion, InsightsFixture.CommissionQuestion,
        "comment trouver un bon produit à promouvoir quand on débute ?", "à quelle heure publier mes vidéos ?",
        "how do I write a script for a product video", "j'ai plein de vues mais personne achete",
    ];

    [Fact]
    public async Task A_weekly_run_reads_pages_of_1000_and_writes_one_batch_per_week()
    {
        output.WriteLine($"{"people",6} {"questions",9} {"seed s",6} | {"requests",8} {"queries",7} {"batches",7} {"run ms",7} {"questions/s",11} | {"rerun",5}");
        foreach (var people in Bench.Size(new[] { 50, 120 }, new[] { 250, 1_000 }))
        {
            await using var host = await JimpTestHost.StartAsync();
            var seed = Stopwatch.StartNew();
            await SeedAsync(host, people);
            seed.Stop();
            host.Clock.Advance(TimeSpan.FromDays(3));
            var insights = host.Services.GetRequiredService<InsightsService>();

            var before = host.Counter.Snapshot();
            var watch = Stopwatch.StartNew();
            var report = await insights.RunAsync(default);
            watch.Stop();
            var cost = host.Counter.Snapshot().Since(before);
            before = host.Counter.Snapshot();
            await insights.RunAsync(default);
            var rerun = host.Counter.Snapshot().Since(before).Total;

            var questions = people * QuestionsPerPerson;
            output.WriteLine($"{people,6} {questions,9:N0} {seed.Elapsed.TotalSeconds,6:F1} | {cost.Total,8} {cost["table:query"],7} {cost["table:batch"],7} {watch.ElapsedMilliseconds,7} {questions * 1000.0 / Math.Max(1, watch.ElapsedMilliseconds),11:N0} | {rerun,5}");
            output.WriteLine($"    {cost}");

            Assert.Equal(8, report.Weeks.Count);
            Assert.Equal(1, rerun);
            // Reads: the summaries, accounts, open requests and profiles (a page per 1,000 each), the questions and
            // answers (a page per 1,000 matches, plus the pages the service returns while scanning), one per week
            // for the rows already there. Writes: one batch per week.
            var pages = (int)Math.Ceiling(2.0 * questions / 1000);
            Assert.Equal(8, cost["table:batch"]);
            Assert.True(cost["table:query"] <= 1 + 3 * (people / 1000 + 1) + pages + 2 + 8, $"{cost["table:query"]} queries");
        }
    }

    /// <summary>People in 12 niches × 3 levels, their account and profile, and one conversation of questions and answers each.</summary>
    private static async Task SeedAsync(JimpTestHost host, int people)
    {
        var conversations = await host.Storage.TableAsync(ConversationStore.Table);
        string[] levels = ["beginner", "intermediate", "advanced"];
        await Parallel.ForEachAsync(Enumerable.Range(0, people), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, ct) =>
        {
            var id = await InsightsFixture.PersonAsync(host, Niches.All[n % Niches.All.Count].Id, levels[n % 3]);
            var actions = new List<TableTransactionAction>();
            for (var q = 0; q < QuestionsPerPerson; q++)
            {
                var when = InsightsFixture.InWeek48.AddMinutes(q);
                var key = long.Parse(ConversationStore.NewestFirst(when), System.Globalization.CultureInfo.InvariantCulture);
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(id, $"conv-{key:D19}") { ["Role"] = "user", ["Text"] = Questions[(n + q) % Questions.Length], ["CreatedAt"] = when, ["Status"] = "ok" }));
                actions.Add(new(TableTransactionActionType.Add, new TableEntity(id, $"conv-{key - 1:D19}") { ["Role"] = "assistant", ["Text"] = "Une réponse du coach.", ["CreatedAt"] = when.AddSeconds(5), ["Status"] = "ok" }));
            }
            await conversations.SubmitTransactionAsync(actions, ct);
        });
    }
}
