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
/// (smoke size in ./test.sh: 20 and 60, so 400 and 1,200 questions: one index page, then two) asking 20 questions each in the week, each with a history of 40 older
/// messages in their conversations (which the run must not read). The run reads the week's question index
/// (written with each turn), one account point read per active person, and writes one batch per week. Figures are
/// printed; the assertions hold the shape: reads grow with index pages of 1,000 and active people, writes with
/// weeks, and a second run is one request.
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
    public async Task A_weekly_run_reads_the_weeks_index_and_writes_one_batch_per_week()
    {
        output.WriteLine($"{"people",6} {"questions",9} {"seed s",6} | {"requests",8} {"queries",7} {"points",6} {"batches",7} {"run ms",7} {"questions/s",11} | {"rerun",5}");
        foreach (var people in Bench.Size(new[] { 20, 60 }, new[] { 250, 1_000 }))
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
            output.WriteLine($"{people,6} {questions,9:N0} {seed.Elapsed.TotalSeconds,6:F1} | {cost.Total,8} {cost["table:query"],7} {cost["table:point-read"],6} {cost["table:batch"],7} {watch.ElapsedMilliseconds,7} {questions * 1000.0 / Math.Max(1, watch.ElapsedMilliseconds),11:N0} | {rerun,5}");
            output.WriteLine($"    {cost}");

            Assert.Equal(8, report.Weeks.Count);
            Assert.Equal(1, rerun);
            // Reads: the summaries, the open requests, per week the index range (a page per 1,000 questions) and
            // the result rows already there, the expired weeks; one account point read per active person.
            var pages = (int)Math.Ceiling((double)questions / 1000);
            Assert.Equal(8, cost["table:batch"]);
            Assert.Equal(people, cost["table:point-read"]);
            Assert.True(cost["table:query"] <= 1 + 1 + 8 + pages + 8 + 1, $"{cost["table:query"]} queries");
        }
    }

    /// <summary>People in 12 niches × 3 levels, their account and profile, a conversation with 40 older messages, and 20 indexed questions in week 48.</summary>
    private static async Task SeedAsync(JimpTestHost host, int people)
    {
        var conversations = await host.Storage.TableAsync(ConversationStore.Table);
        var index = await host.Storage.TableAsync(QuestionIndex.Table);
        var topics = host.Services.GetRequiredService<QuestionIndex>();
        string[] levels = ["beginner", "intermediate", "advanced"];
        await Parallel.ForEachAsync(Enumerable.Range(0, people), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, ct) =>
        {
            var niche = Niches.All[n % Niches.All.Count].Id;
            var id = await InsightsFixture.PersonAsync(host, niche, levels[n % 3]);
            var history = new List<TableTransactionAction>();
            for (var q = 0; q < 40; q++)
            {
                var old = InsightsFixture.InWeek48.AddDays(-30).AddMinutes(q);
                history.Add(new(TableTransactionActionType.Add, new TableEntity(id, $"conv-{ConversationStore.NewestFirst(old)}") { ["Role"] = q % 2 == 0 ? "user" : "assistant", ["Text"] = Questions[q % Questions.Length], ["CreatedAt"] = old, ["Status"] = "ok" }));
            }
            await conversations.SubmitTransactionAsync(history, ct);
            // What 20 turns of week 48 write to the index: one partition per person and week, so one batch here.
            var conversation = new string('a', 25);
            var rows = new List<TableTransactionAction>();
            for (var q = 0; q < QuestionsPerPerson; q++)
            {
                var when = InsightsFixture.InWeek48.AddMinutes(q);
                var text = Questions[(n + q) % Questions.Length];
                rows.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(QuestionIndex.PartitionOf(InsightWeek.Of(when), id), $"{id}-{conversation}-{ConversationStore.NewestFirst(when)}")
                {
                    ["Topic"] = topics.TopicOf(text, "fr"), ["Niches"] = niche, ["Level"] = levels[n % 3], ["CreatedAt"] = when,
                }));
            }
            await index.SubmitTransactionAsync(rows, ct);
        });
    }
}
