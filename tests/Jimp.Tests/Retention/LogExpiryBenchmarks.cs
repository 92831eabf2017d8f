using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Jimp.Functions.Retention;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Retention;

/// <summary>
/// What log expiry costs, in storage requests and wall time, for 12 and 24 expired months of log tables holding
/// many entries each: one table list plus one delete per month, whatever the tables hold. At smoke size (./test.sh)
/// 12 months of 1 and of 100 entries and 24 months of 1; at full size (./bench.sh) 12 months of 100 and of 10,000
/// entries and 24 months of 10,000 (250,000 entries; minutes on Azurite). Figures are printed, not timed: the
/// assertions hold the shape (requests grow with months, not entries).
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class LogExpiryBenchmarks(ITestOutputHelper output)
{
    [Fact]
    public async Task Expiry_cost_grows_with_months_not_entries()
    {
        (int Months, int Entries)[] scenarios = Bench.Full
            ? [(12, 100), (12, 10_000), (24, 10_000)]
            : [(12, 1), (12, 100), (24, 1)];
        output.WriteLine($"{"months",6} {"entries/table",13} {"entries",9} {"insert s",8} | {"requests",8} {"list",4} {"delete",6} {"expiry ms",9}");

        var results = new List<(int Months, int Entries, long Requests, long Lists, long Deletes, long Millis)>();
        foreach (var (months, entries) in scenarios)
        {
            await using var host = await JimpTestHost.StartAsync();
            var insert = Stopwatch.StartNew();
            await CreateExpiredMonthsAsync(host, months, entries);
            insert.Stop();
            // One month that must stay, so the run also proves it deletes only what expired.
            await host.Services.GetRequiredService<MonthlyLogTables>().TableForAsync("security", host.Clock.GetUtcNow());

            var before = host.Counter.Snapshot();
            var clock = Stopwatch.StartNew();
            var report = await host.Services.GetRequiredService<LogExpiryService>().RunAsync(default);
            clock.Stop();
            var cost = host.Counter.Snapshot().Since(before);

            Assert.Equal(months, report.Deleted.Count);
            results.Add((months, entries, cost.Total, cost["table:list-tables"], cost["table:delete-table"], clock.ElapsedMilliseconds));
            output.WriteLine($"{months,6} {entries,13:N0} {months * entries,9:N0} {insert.Elapsed.TotalSeconds,8:F1} | {cost.Total,8} {cost["table:list-tables"],4} {cost["table:delete-table"],6} {clock.ElapsedMilliseconds,9}");
        }

        foreach (var r in results)
        {
            Assert.Equal(1, r.Lists);             // < 1,000 tables: one page
            Assert.Equal(r.Months, r.Deletes);    // one delete per expired month
            Assert.Equal(r.Months + 1, r.Requests);
        }
        // Same months, 100 times the entries: the same requests.
        var twelve = results.Where(r => r.Months == 12).OrderBy(r => r.Entries).ToList();
        Assert.Equal(100 * twelve[0].Entries, twelve[^1].Entries);
        Assert.Equal(twelve[0].Requests, twelve[^1].Requests);
    }

    /// <summary>Tables for the months 13 to 12 + <paramref name="months"/> before now, each with entries inserted by batches of 100.</summary>
    private static async Task CreateExpiredMonthsAsync(JimpTestHost host, int months, int entries)
    {
        var logs = host.Services.GetRequiredService<MonthlyLogTables>();
        var now = host.Clock.GetUtcNow();
        var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        using var gate = new SemaphoreSlim(8);
        var work = new List<Task>();
        for (var m = 13; m < 13 + months; m++)
        {
            var table = await logs.TableForAsync("security", thisMonth.AddMonths(-m));
            for (var start = 0; start < entries; start += 100)
            {
                var first = start;
                work.Add(Task.Run(async () =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        var batch = Enumerable.Range(first, Math.Min(100, entries - first)).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                            new TableEntity("d" + (first / 1000).ToString("D3", CultureInfo.InvariantCulture), i.ToString("D6", CultureInfo.InvariantCulture))
                            {
                                ["Event"] = "sign-in",
                                ["Subject"] = "u-" + (i % 97).ToString(CultureInfo.InvariantCulture),
                                ["Network"] = "203.0.113.0/24",
                                ["Outcome"] = "ok",
                            })).ToList();
                        await table.SubmitTransactionAsync(batch);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }
        }
        await Task.WhenAll(work);
    }
}
