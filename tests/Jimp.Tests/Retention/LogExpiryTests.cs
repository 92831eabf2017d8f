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
    [InlineData("2026-11-30T23:59:59Z", "2025-11-01")]
    [InlineData("2026-12-01T00:00:00Z", "2025-12-01")]
    [InlineData("2026-01-15T12:00:00Z", "2025-01-01")]
    [InlineData("2026-03-01T00:30:00+01:00", "2025-02-01")] // 23:30 UTC on 28 February
    public void The_cutoff_is_the_first_day_of_the_month_twelve_months_before_now(string now, string cutoff) =>
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
        Assert.Equal(["securitylog202511", "securitylog202512", "securitylog202611", "trends"], left);
        // 13 months ago (2025-10) and the technical log of 2025-09 are gone: one list, one delete per expired table.
        Assert.Equal(1, cost["table:list-tables"]);
        Assert.Equal(2, cost["table:delete-table"]);
        Assert.Equal(3, cost.Total);

        before = host.Counter.Snapshot();
        var again = await host.Services.GetRequiredService<LogExpiryService>().RunAsync(default);
        cost = host.Counter.Snapshot().Since(before);
        Assert.Empty(again.Deleted);
        Assert.Equal(1, cost.Total);
        Assert.Equal(1, cost["table:list-tables"]);
    }

    [Fact]
    public async Task A_month_expires_at_the_first_instant_of_the_thirteenth_month_after_it()
    {
        await using var host = shared.ForTest();
        var logs = host.Services.GetRequiredService<MonthlyLogTables>();
        var expiry = host.Services.GetRequiredService<LogExpiryService>();
        await logs.TableForAsync("security", new DateTimeOffset(2025, 11, 15, 0, 0, 0, TimeSpan.Zero));

        host.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero));
        Assert.Empty((await expiry.RunAsync(default)).Deleted);

        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(["securitylog202511"], (await expiry.RunAsync(default)).Deleted);
        Assert.Empty(await StorageScan.TableNamesAsync(host.Storage));
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
