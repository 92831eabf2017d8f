using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Jimp.Functions.Backups;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Backups;

/// <summary>
/// What the nightly backup and a restore cost, in storage requests and wall time: conversations of many users (rows of
/// about 400 bytes, 50 per user) plus profiles. Smoke size (./test.sh) 2,000 rows; full size (./bench.sh) 100,000 rows.
/// The assertions hold the shape: the backup reads a page per 1,000 rows and writes a few blocks per table, the restore
/// a transaction per 100 rows of a partition; the figures (requests, seconds) are printed.
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class BackupBenchmarks(ITestOutputHelper output)
{
    private const int RowsPerUser = 50;

    [Fact]
    public async Task Backup_and_restore_cost_a_page_per_1000_rows_and_a_batch_per_100()
    {
        var rows = Bench.Size(2_000, 100_000);
        var users = rows / RowsPerUser;
        await using var host = await JimpTestHost.StartAsync();
        await FillAsync(host, users);

        var backups = host.Services.GetRequiredService<BackupService>();
        var before = host.Counter.Snapshot();
        var clock = Stopwatch.StartNew();
        var manifest = await backups.BackUpAsync(default);
        clock.Stop();
        var backup = host.Counter.Snapshot().Since(before);
        var backupSeconds = clock.Elapsed.TotalSeconds;

        foreach (var table in manifest.Tables) await host.Storage.TableService.DeleteTableAsync(host.Storage.TableName(table.Name));
        before = host.Counter.Snapshot();
        clock.Restart();
        var report = await host.Services.GetRequiredService<RestoreService>().RestoreAsync(manifest.Run, RestoreMode.EmptyTablesOnly, default);
        clock.Stop();
        var restore = host.Counter.Snapshot().Since(before);

        var total = manifest.Rows;
        var bytes = manifest.Tables.Sum(t => t.Bytes);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Bench.Name}: {manifest.Tables.Count} tables, {total:N0} rows, {bytes / 1024.0:N0} KiB compressed"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backup  {backupSeconds,6:F1} s  {backup}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"restore {clock.Elapsed.TotalSeconds,6:F1} s  {restore}"));

        Assert.Equal(rows + users, total);
        Assert.Equal(total, report.Tables.Sum(t => t.Written));
        // Backup: one query page per 1,000 rows (+1 per table), one listing, a few blocks per table, the manifest.
        Assert.True(backup["table:query"] <= total / 1000 + 2 * manifest.Tables.Count, $"backup made {backup["table:query"]} table queries");
        Assert.True(backup.Total <= total / 1000 + 10 * manifest.Tables.Count + 10, $"backup made {backup.Total} requests");
        // Restore: one transaction per 100 rows of a partition (users have 50 conversation rows and 1 profile row each).
        Assert.True(restore["table:batch"] <= 2 * users + total / 100 + 1, $"restore made {restore["table:batch"]} batches");
    }

    private static async Task FillAsync(JimpTestHost host, int users)
    {
        var conversations = await host.Storage.TableAsync("conversations");
        var profiles = await host.Storage.TableAsync("profiles");
        var text = new string('x', 300);
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
        {
            await gate.WaitAsync();
            try
            {
                var user = u.ToString("x32", CultureInfo.InvariantCulture);
                await conversations.SubmitTransactionAsync(Enumerable.Range(0, RowsPerUser).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                    new TableEntity(user, "m" + i.ToString("D5", CultureInfo.InvariantCulture)) { ["Text"] = text, ["At"] = DateTimeOffset.UnixEpoch.AddMinutes(i), ["Tokens"] = i })));
                await profiles.AddEntityAsync(new TableEntity(user, "profile") { ["Niche"] = "beauty", ["Level"] = "beginner" });
            }
            finally
            {
                gate.Release();
            }
        }));
    }
}
