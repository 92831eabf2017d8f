using Jimp.Functions.Retention;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Retention;

public sealed class LogExpiryTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private static readonly DateOnly ThisMonth = new(2026, 11, 1); // the test clock starts on 2026-11-28

    [Fact]
    public void Monthly_log_table_names_are_family_log_year_month_in_utc()
    {
        Assert.Equal("securitylog202611", MonthlyLogTables.NameFor("security", new DateOnly(2026, 11, 28)));
        // 23:30 at UTC-2 on 31 January is already February in UTC.
        Assert.Equal("technicallog202602", MonthlyLogTables.NameFor("technical", new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.FromHours(-2))));
        Assert.Throws<ArgumentException>(() => MonthlyLogTables.NameFor("Security", ThisMonth));
        Assert.Throws<ArgumentException>(() => MonthlyLogTables.NameFor("sec-urity", ThisMonth));

        Assert.True(MonthlyLogTables.TryParse("securitylog202611", out var table));
        Assert.Equal(new MonthlyLogTable("security", ThisMonth, "securitylog202611"), table);
        Assert.False(MonthlyLogTables.TryParse("securitylog202613", out _));
        Assert.False(MonthlyLogTables.TryParse("trends", out _));
        Assert.False(MonthlyLogTables.TryParse("securitylog2026", out _));
    }

    [Theory]
    [InlineData("2026-11-28T03:30:00Z", "2025-12-01")]
    [InlineData("2026-11-29T23:59:59Z", "2025-12-01")]
    [InlineData("2026-11-30T00:00:00Z", "2026-01-01")] // 2025-12 goes: its first entry turns 12 months old at the next run
    [InlineData("2026-12-01T00:00:00Z", "2026-01-01")]
    [InlineData("2026-01-15T12:00:00Z", "2025-02-01")]
    [InlineData("2026-03-01T00:30:00+01:00", "2025-04-01")] // 23:30 UTC on 28 February
    public void The_cutoff_deletes_a_month_one_run_before_its_first_entry_turns_12_months_old(string now, string cutoff) =>
        Assert.Equal(DateOnly.Parse(cutoff, System.Globalization.CultureInfo.InvariantCulture),
            LogExpiryService.CutoffFor(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), 12));

    [Fact]
    public async Task Logs_older_than_12_months_are_deleted_whole_with_one_request_per_month()
    {
        await using var host = shared.ForTest();
        var logs = host.Services.GetRequiredService<MonthlyLogTables>();
        foreach (var months in new[] { 0, 11, 12, 13 })
        {
            var table = await logs.TableForAsync("security", new DateTimeOffset(ThisMonth.AddMonths(-months).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("p", "r") { ["Event"] = "sign-in" });
        }
        await logs.TableForAsync("technical", new DateTimeOffset(2025, 9, 10, 0, 0, 0, TimeSpan.Zero));
        await host.Storage.TableAsync("trends"); // not a log table: never touched

        var before = host.Counter.Snapshot();
        await host.RunTimerAsync(nameof(RetentionFunctions.ExpireLogs));
        var cost = host.Counter.Snapshot().Since(before);

        var left = (await StorageScan.TableNamesAsync(host.Storage)).Select(n => n[host.Prefix.Length..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["securitylog202512", "securitylog202611", "trends"], left);
        // 12 and 13 months ago (2025-11, 2025-10) and the technical log of 2025-09 are gone: one list, one delete per expired table.
        Assert.Equal(1, cost["table:list-tables"]);
        Assert.Equal(3, cost["table:delete-table"]);
        Assert.Equal(4, cost.Total);

        before = host.Counter.Snapshot();
        var again = await host.Services.GetRequiredService<LogExpiryService>().RunAsync(default);
        cost = host.Counter.Snapshot().Since(before);
        Assert.Empty(again.Deleted);
        Assert.Equal(1, cost.Total);
        Assert.Equal(1, cost["table:list-tables"]);
    }

    [Fact]
    public async Task A_month_goes_at_the_last_daily_run_before_its_first_entry_turns_12_months_old()
    {
        await using var host = shared.ForTest();
        var logs = host.Services.GetRequiredService<MonthlyLogTables>();
        var expiry = host.Services.GetRequiredService<LogExpiryService>();
        await logs.TableForAsync("security", new DateTimeOffset(2026, 12, 15, 0, 0, 0, TimeSpan.Zero));

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 11, 29, 23, 59, 59, TimeSpan.Zero));
        Assert.Empty((await expiry.RunAsync(default)).Deleted);

        // The next run would be 2027-12-01 00:00, when an entry of 2026-12-01 00:00 is 12 months old: it goes now.
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 11, 30, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(["securitylog202612"], (await expiry.RunAsync(default)).Deleted);
        Assert.Empty(await StorageScan.TableNamesAsync(host.Storage));
    }

    /// <summary>
    /// Every day of a year, as the daily timer runs (03:30 UTC): each month's table holds an entry from its first
    /// instant (the oldest it can hold). After each run, the oldest surviving entry is still at most 12 months old
    /// when the next run comes, and the last 11 months are all kept.
    /// </summary>
    [Fact]
    public async Task Walking_every_day_of_a_year_no_entry_is_ever_older_than_12_months()
    {
        await using var host = await JimpTestHost.StartAsync();
        var logs = host.Services.GetRequiredService<MonthlyLogTables>();
        var expiry = host.Services.GetRequiredService<LogExpiryService>();
        var months = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RetentionOptions>>().Value.LogMonths;
        Assert.Equal(12, months);
        // The test clock cannot go back (it starts on 2026-11-28): the first year is 2027, the year walked 2028 (a leap year).
        var start = new DateTimeOffset(2027, 1, 1, 3, 30, 0, TimeSpan.Zero);
        var checkedDays = 0;
        for (var now = start; now < new DateTimeOffset(2029, 1, 1, 0, 0, 0, TimeSpan.Zero); now = now.AddDays(1))
        {
            host.Clock.SetUtcNow(now);
            if (now.Day == 1)
            {
                var first = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
                var table = await logs.TableForAsync("security", first);
                await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("p", "first") { ["At"] = first });
            }
            await expiry.RunAsync(default);
            if (now.Year < 2028) continue; // the first year fills the log; the second is the year walked
            var kept = (await logs.ListAsync(default)).Select(t => t.Month).ToList();
            var oldest = new DateTimeOffset(kept.Min().ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var nextRun = now + LogExpiryService.RunInterval;
            Assert.True(oldest.AddMonths(months) > nextRun, $"{now:yyyy-MM-dd}: an entry of {oldest:yyyy-MM-dd} would be over {months} months old before the next run");
            var thisMonth = new DateOnly(now.Year, now.Month, 1);
            for (var back = 0; back < months - 1; back++)
            {
                Assert.Contains(thisMonth.AddMonths(-back), kept);
            }
            checkedDays++;
        }
        Assert.Equal(366, checkedDays);
    }

    [Fact]
    public async Task A_writer_can_log_again_to_a_month_after_its_table_was_deleted()
    {
        await using var host = shared.ForTest();
        var logs = host.Services.GetRequiredService<MonthlyLogTables>();
        var month = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await logs.TableForAsync("security", month);
        await host.Services.GetRequiredService<LogExpiryService>().RunAsync(default);

        // The storage forgot the table, so first use creates it again instead of failing with 404.
        var table = await logs.TableForAsync("security", month);
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("p", "r"));
    }
}
