using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Backups;
using Jimp.Functions.Platform;
using Jimp.Functions.Privacy;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Backups;

/// <summary>The nightly backup of every table, its retention, and the restore that replays the erasures (the drill).</summary>
public sealed class BackupTests(SharedHost shared, ITestOutputHelper output) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private BackupService Backups => host.Services.GetRequiredService<BackupService>();

    private RestoreService Restore => host.Services.GetRequiredService<RestoreService>();

    [Fact]
    public async Task Every_table_the_app_creates_is_in_the_nightly_backup_with_all_its_rows()
    {
        // Every feature used once (as RegistryCompletenessTests does), so every table the app creates exists.
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        using (await user.Client.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = true })) { }
        await host.RunTimerAsync("RunHousekeeping");

        var before = host.Counter.Snapshot();
        await host.RunTimerAsync(nameof(BackupFunctions.BackUpTables));
        var cost = host.Counter.Snapshot().Since(before);

        var run = Assert.Single(await Backups.ListAsync(default));
        Assert.True(run.Complete);
        var manifest = await Backups.ManifestAsync(run.Id, default);
        var inStorage = await TablesInStorageAsync();
        Assert.Contains("conversations", inStorage.Keys);
        Assert.Contains(inStorage.Keys, n => n.StartsWith("securitylog", StringComparison.Ordinal));
        // Every table the app created is backed up, with every row; nothing else is.
        Assert.Equal(inStorage.Keys.Order(StringComparer.Ordinal), manifest.Tables.Select(t => t.Name));
        foreach (var table in manifest.Tables)
        {
            Assert.Equal(inStorage[table.Name], table.Rows);
            Assert.Equal(BackupService.BlobFor(run.Id, table.Name), table.Blob);
            var lines = 0;
            await foreach (var _ in Backups.ReadAsync(table.Blob, default)) lines++;
            Assert.Equal(table.Rows, lines);
        }
        Assert.Contains($"{run.Id}/{BackupService.ManifestBlob}", run.Blobs);
        Assert.Equal(manifest.Tables.Count + 1, run.Blobs.Count);
        output.WriteLine($"{manifest.Tables.Count} tables, {manifest.Rows} rows: {cost}");
    }

    /// <summary>Tables under this test's prefix (logical names) with their row counts; "guards" is a test-only probe table.</summary>
    private async Task<Dictionary<string, long>> TablesInStorageAsync()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in await StorageScan.TableNamesAsync(host.Storage))
        {
            var logical = name[host.Prefix.Length..];
            if (logical == "guards") continue;
            long rows = 0;
            await foreach (var _ in host.Storage.TableService.GetTableClient(name).QueryAsync<TableEntity>(select: ["PartitionKey"])) rows++;
            counts[logical] = rows;
        }
        return counts;
    }

    [Fact]
    public async Task A_restore_writes_back_every_property_with_its_type()
    {
        var table = await host.Storage.TableAsync("keyedhashstate");
        var entity = new TableEntity("types", "all")
        {
            ["Text"] = "é\n\"quoted\"",
            ["Int32"] = int.MinValue,
            ["Int64"] = long.MaxValue,
            ["Double"] = 0.1 + 0.2,
            ["Whole"] = 5.0,
            ["Flag"] = true,
            ["At"] = new DateTimeOffset(2026, 12, 2, 13, 14, 15, TimeSpan.Zero).AddTicks(1234567),
            ["Id"] = Guid.NewGuid(),
            ["Bytes"] = new byte[] { 0, 1, 254, 255 },
        };
        await table.AddEntityAsync(entity);
        var before = (await table.GetEntityAsync<TableEntity>("types", "all")).Value;

        await Backups.BackUpAsync(default);
        await WipeAsync();
        await Restore.RestoreAsync(DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), RestoreMode.EmptyTablesOnly, default);

        var after = (await table.GetEntityAsync<TableEntity>("types", "all")).Value;
        Assert.Equal(Encoding.UTF8.GetString(BackupFormat.ToLine(before)), Encoding.UTF8.GetString(BackupFormat.ToLine(after)));
        foreach (var key in entity.Keys)
        {
            Assert.Equal(before[key]?.GetType(), after[key]?.GetType());
        }
        Assert.IsType<long>(after["Int64"]);
        Assert.Equal(long.MaxValue, after["Int64"]);
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, after["Bytes"]);
    }

    [Fact]
    public async Task Backups_older_than_the_retention_are_deleted_by_the_nightly_job()
    {
        var days = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<BackupOptions>>().Value.RetentionDays;
        using var user = await Users.SignUpAsync(host);
        var first = (await Backups.RunAsync(default)).Run!;
        // The same night again: nothing new (tonight's backup is complete).
        Assert.Null((await Backups.RunAsync(default)).Run);

        host.Clock.Advance(TimeSpan.FromDays(days) - TimeSpan.FromMinutes(1));
        var beforeExpiry = await Backups.RunAsync(default);
        Assert.Empty(beforeExpiry.Deleted);
        Assert.Contains(await Backups.ListAsync(default), r => r.Id == first.Run);

        host.Clock.Advance(TimeSpan.FromMinutes(2));
        var next = await Backups.RunAsync(default);
        Assert.Equal([first.Run], next.Deleted);
        var left = await Backups.ListAsync(default);
        Assert.DoesNotContain(left, r => r.Id == first.Run);
        Assert.Single(left);
        Assert.All(left, r => Assert.True(host.Clock.GetUtcNow() - r.TakenAt < TimeSpan.FromDays(days)));
        // No blob of the deleted night is left behind.
        var container = await host.Storage.ContainerAsync(BackupService.Container);
        await foreach (var blob in container.GetBlobsAsync()) Assert.False(blob.Name.StartsWith(first.Run, StringComparison.Ordinal), blob.Name);
    }

    [Fact]
    public async Task An_interrupted_backup_without_manifest_is_never_restored()
    {
        using var user = await Users.SignUpAsync(host);
        var complete = await Backups.BackUpAsync(default);
        host.Clock.Advance(TimeSpan.FromHours(1));
        var interrupted = await Backups.BackUpAsync(default);
        // The manifest is what fails to be written when a backup is interrupted (it is written last).
        var container = await host.Storage.ContainerAsync(BackupService.Container);
        await container.DeleteBlobAsync($"{interrupted.Run}/{BackupService.ManifestBlob}");
        var night = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The night's restore takes the complete run, not the newer interrupted one; the interrupted one is refused by name.
        Assert.Equal(complete.Run, (await Restore.FindAsync(night, default)).Id);
        var refused = await Assert.ThrowsAsync<RestoreRefusedException>(() => Restore.RestoreAsync(interrupted.Run, RestoreMode.KeepNewer, default));
        Assert.Contains("incomplete", refused.Message, StringComparison.Ordinal);
        // Only interrupted backups that night: refused as well.
        await container.DeleteBlobAsync($"{complete.Run}/{BackupService.ManifestBlob}");
        await Assert.ThrowsAsync<RestoreRefusedException>(() => Restore.RestoreAsync(night, RestoreMode.KeepNewer, default));
        // The nightly job does not count an interrupted night as done: it backs up again.
        Assert.NotNull((await Backups.RunAsync(default)).Run);
    }

    [Fact]
    public async Task Restore_drill_erased_user_stays_gone_everyone_else_is_back_exactly()
    {
        var kept = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var erased = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var third = await PrivacyFixture.UserWithDataEverywhereAsync(host, "en");
        await PrivacyFixture.ExportAndWaitAsync(host, erased.Client);
        await PrivacyFixture.ExportAndWaitAsync(host, kept.Client);

        await host.RunTimerAsync(nameof(BackupFunctions.BackUpTables));
        var atBackup = await TypedScanAsync();

        // After the backup, the person is erased through the real flow (the API, the orchestration, the tombstone).
        using (var response = await erased.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = erased.Email.ToUpperInvariant() }))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            await PrivacyFixture.WaitForErasureAsync(host, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!);
        }
        var afterErasure = await TypedScanAsync();
        // What the live erasure removed or rewrote of what the backup holds: the erased person's rows.
        var erasedRows = atBackup.Except(afterErasure).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(erasedRows, l => l.Contains(erased.MessageText, StringComparison.Ordinal));

        // The disaster: every table lost but the tombstones.
        await WipeAsync();
        Assert.All(await TypedScanAsync(), l => Assert.StartsWith("tombstones:", l, StringComparison.Ordinal));

        var before = host.Counter.Snapshot();
        var report = await Restore.RestoreAsync(DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), RestoreMode.EmptyTablesOnly, default);
        var cost = host.Counter.Snapshot().Since(before);
        output.WriteLine($"restore {report.Tables.Sum(t => t.Rows)} rows, {report.Tables.Sum(t => t.Erased)} skipped as erased, {report.ReplayedRecords} replayed: {cost}");
        Assert.Equal(1, report.ErasedPeople);
        Assert.True(report.Tables.Sum(t => t.Erased) > 0);

        var restored = await TypedScanAsync();
        var tombstoneId = host.Services.GetRequiredService<KeyedHash>().TombstoneId(erased.UserId);
        // The erased person: in no table, and in no blob outside the backups themselves (immutable until they expire).
        var everything = string.Join("\n", restored.Concat((await host.ScanBlobsAsync()).Where(b => !b.StartsWith(host.Storage.ContainerName(BackupService.Container) + "/", StringComparison.Ordinal))));
        Assert.DoesNotContain(erased.UserId, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(erased.Email, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(host.Services.GetRequiredService<KeyedHash>().EmailIndexKey(erased.Email), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(erased.MessageText, everything, StringComparison.Ordinal);
        // Everyone else is back exactly (same rows, same typed values); the erased person's security-log entries are
        // kept under the tombstone id, as the live erasure keeps them; the tombstone is still there.
        var expected = atBackup.Except(erasedRows).Where(l => !l.StartsWith("tombstones:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var actual = restored.Where(l => !l.StartsWith("tombstones:", StringComparison.Ordinal) && !l.Contains($"\"pk\":\"{tombstoneId}\"", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(
            erasedRows.Count(l => l.StartsWith("securitylog", StringComparison.Ordinal)),
            restored.Count(l => l.StartsWith("securitylog", StringComparison.Ordinal) && l.Contains($"\"pk\":\"{tombstoneId}\"", StringComparison.Ordinal)));
        Assert.Contains(restored, l => l.StartsWith("tombstones:", StringComparison.Ordinal) && l.Contains(tombstoneId, StringComparison.Ordinal));
        // What the others see: their conversations, through the API.
        foreach (var user in new[] { kept, third })
        {
            var conversation = await user.Client.GetJsonAsync($"/api/conversations/{user.ConversationId}");
            Assert.Contains(user.MessageText, conversation.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_restore_refuses_tables_with_rows_and_keep_newer_never_overwrites_live_data()
    {
        var early = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        await Backups.BackUpAsync(default);
        var night = DateOnly.FromDateTime(host.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        // After the backup: a newcomer signs up, and the early user renames a conversation.
        var newcomer = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        using (var rename = await early.Client.SendAsync(HttpMethod.Patch, $"/api/conversations/{early.ConversationId}", new { title = "Renommée après la sauvegarde" })) rename.EnsureSuccessStatusCode();
        var live = await TypedScanAsync();

        var refused = await Assert.ThrowsAsync<RestoreRefusedException>(() => Restore.RestoreAsync(night, RestoreMode.EmptyTablesOnly, default));
        Assert.Contains("conversations", refused.Message, StringComparison.Ordinal);
        Assert.Equal(live, await TypedScanAsync());

        // A row lost since: keep-newer brings it back and leaves every live row as it is.
        var profiles = await host.Storage.TableAsync("profiles");
        await profiles.DeleteEntityAsync(early.UserId, (await profiles.QueryAsync<TableEntity>(e => e.PartitionKey == early.UserId).FirstAsync()).RowKey);
        var report = await Restore.RestoreAsync(night, RestoreMode.KeepNewer, default);
        Assert.True(report.Tables.Sum(t => t.KeptLive) > 0);
        Assert.Equal(live.Order(StringComparer.Ordinal), (await TypedScanAsync()).Order(StringComparer.Ordinal));
        Assert.Contains("Renommée après la sauvegarde", (await early.Client.GetJsonAsync($"/api/conversations/{early.ConversationId}")).GetRawText(), StringComparison.Ordinal);
        Assert.Contains(newcomer.MessageText, (await newcomer.Client.GetJsonAsync($"/api/conversations/{newcomer.ConversationId}")).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_restore_command_lists_the_backups_and_restores_only_under_the_apps_key()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var run = await Backups.BackUpAsync(default);
        var key = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KeyedHashOptions>>().Value.Key;
        Dictionary<string, string?> Settings(string? withKey) => new()
        {
            ["Storage:ConnectionString"] = JimpTestHost.StorageConnectionString,
            ["Storage:Prefix"] = host.Prefix,
            ["KeyedHash:Key"] = withKey,
        };
        async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, string? withKey)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await Jimp.Restore.RestoreCommand.RunAsync(args, output, error, Settings(withKey));
            return (exit, output.ToString(), error.ToString());
        }

        var listed = await RunAsync(["--list"], key);
        Assert.True(listed.Exit == 0, listed.Error);
        Assert.Contains($"{run.Run}  ", listed.Output, StringComparison.Ordinal);
        Assert.Contains("complete", listed.Output, StringComparison.Ordinal);
        Assert.Equal(2, (await RunAsync(["--keep"], key)).Exit);

        await WipeAsync();
        // Another key would recognise no tombstone: refused, nothing written.
        var wrongKey = await RunAsync([run.Run], Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        Assert.Equal(1, wrongKey.Exit);
        Assert.Contains("keyed-hash key", wrongKey.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(await TypedScanAsync(), l => l.Contains(user.MessageText, StringComparison.Ordinal));

        var restored = await RunAsync([run.Run], key);
        Assert.True(restored.Exit == 0, restored.Error);
        Assert.Contains($"restored {run.Run}", restored.Output, StringComparison.Ordinal);
        Assert.Contains(user.MessageText, (await user.Client.GetJsonAsync($"/api/conversations/{user.ConversationId}")).GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>The disaster: every table of this test deleted, except the tombstones (which must outlive it).</summary>
    private async Task WipeAsync()
    {
        foreach (var name in await StorageScan.TableNamesAsync(host.Storage))
        {
            if (name == host.Storage.TableName(ErasureOrchestration.TombstoneTable)) continue;
            await host.Storage.TableService.DeleteTableAsync(name);
            host.Storage.Forget(name);
        }
    }

    /// <summary>Every entity of this test's tables as "table: line" with its typed properties (<see cref="BackupFormat"/>), without Timestamp/ETag.</summary>
    private async Task<List<string>> TypedScanAsync()
    {
        var lines = new List<string>();
        foreach (var name in await StorageScan.TableNamesAsync(host.Storage))
        {
            var logical = name[host.Prefix.Length..];
            await foreach (var entity in host.Storage.TableService.GetTableClient(name).QueryAsync<TableEntity>())
            {
                lines.Add(logical + ": " + Encoding.UTF8.GetString(BackupFormat.ToLine(entity)));
            }
        }
        return lines;
    }
}
