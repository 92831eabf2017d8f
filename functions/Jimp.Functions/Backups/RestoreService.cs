using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.Logging;

namespace Jimp.Functions.Backups;

/// <summary>How a restore treats tables that already hold rows.</summary>
public enum RestoreMode
{
    /// <summary>
    /// Disaster recovery (the default): every table to restore must be empty or missing (the tombstones excepted),
    /// or nothing is written. The owner restores into wiped storage, before the app serves anyone again.
    /// </summary>
    EmptyTablesOnly,

    /// <summary>
    /// A partial loss: rows missing from the live tables come back, rows present live are left as they are (live
    /// data is newer than any backup and is never overwritten). Rows deleted since the backup (a conversation the
    /// user deleted, an expired session) do come back, until housekeeping or the user deletes them again.
    /// </summary>
    KeepNewer,
}

/// <param name="Rows">Rows in the backup.</param>
/// <param name="Written">Rows written back.</param>
/// <param name="Erased">Rows of erased people skipped before writing.</param>
/// <param name="KeptLive">Rows already present live, left as they were (<see cref="RestoreMode.KeepNewer"/>, and the tombstones).</param>
public sealed record RestoredTable(string Name, long Rows, long Written, long Erased, long KeptLive);

/// <param name="ErasedPeople">People of the backup who were erased since (a tombstone matches them): their rows never came back.</param>
/// <param name="ReplayedRecords">Records the replayed erasure removed (or, for logs, pseudonymised) after the restore.</param>
public sealed record RestoreReport(string Run, IReadOnlyList<RestoredTable> Tables, int ErasedPeople, int ReplayedRecords);

/// <summary>The restore refused to run: no usable backup, or tables that are not empty.</summary>
public sealed class RestoreRefusedException(string message) : Exception(message);

/// <summary>
/// Restores a complete backup (its manifest exists) into the tables and replays the erasures, so an erased person
/// never comes back. The tombstones are restored first and merged with the live ones (live rows win: they are newer
/// than any backup, and an erasure after the backup is only known there); then the people of the backup that a
/// tombstone names (<see cref="KeyedHash.TombstoneId"/> of their user id equals a tombstone's <c>Subject</c>) are
/// erased twice over:
/// <list type="number">
/// <item>before writing: the rows of a table partitioned by user id (<see cref="UserPartitionTable"/>, whose erasure
/// is exactly "delete the partition") are skipped, so most of their data is never written back;</item>
/// <item>after writing: every store's own erasure (<see cref="IPersonalDataStore.EraseAsync"/>, the code the erasure
/// orchestration runs, the account last) is run for each of them, which reaches the rows keyed otherwise (the e-mail
/// index, sign-in links, rate-limit windows, the question index) and moves their security-log entries under the
/// tombstone id, as the live erasure did.</item>
/// </list>
/// People who signed up after the backup are not in it: with <see cref="RestoreMode.KeepNewer"/> their rows stay as
/// they are; after a total loss (<see cref="RestoreMode.EmptyTablesOnly"/>) they are not recoverable from this backup.
/// </summary>
public sealed partial class RestoreService(
    BackupService backups,
    JimpStorage storage,
    PersonalDataRegistry registry,
    KeyedHash keyedHash,
    ILogger<RestoreService> logger)
{
    private const int BatchBytes = 2 * 1024 * 1024; // well under a transaction's 4 MiB

    /// <summary>The complete backup to restore: a run id, or a night (<c>yyyy-MM-dd</c>: its latest complete run). An interrupted run is refused.</summary>
    public async Task<BackupRun> FindAsync(string runOrNight, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runOrNight);
        var runs = await backups.ListAsync(cancellationToken);
        if (DateOnly.TryParseExact(runOrNight, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var night))
        {
            return runs.FirstOrDefault(r => r.Night == night && r.Complete)
                ?? throw new RestoreRefusedException(runs.Any(r => r.Night == night)
                    ? $"The backup of {runOrNight} is incomplete (no manifest: it was interrupted); choose another night."
                    : $"There is no backup of {runOrNight}.");
        }
        var run = runs.FirstOrDefault(r => r.Id == runOrNight) ?? throw new RestoreRefusedException($"There is no backup {runOrNight}.");
        return run.Complete ? run : throw new RestoreRefusedException($"The backup {runOrNight} is incomplete (no manifest: it was interrupted); choose another one.");
    }

    public async Task<RestoreReport> RestoreAsync(string runOrNight, RestoreMode mode, CancellationToken cancellationToken)
    {
        var run = await FindAsync(runOrNight, cancellationToken);
        var manifest = await backups.ManifestAsync(run.Id, cancellationToken);
        if (manifest.KeyId != keyedHash.KeyId)
        {
            // Tombstone ids are keyed hashes: under another key no erased person would be recognised.
            throw new RestoreRefusedException($"The backup {run.Id} was taken under the keyed-hash key {manifest.KeyId}, this restore runs under {keyedHash.KeyId}: "
                + "set KeyedHash__Key to the app's key (Key Vault secret keyed-hash-key), or no erasure could be replayed.");
        }
        var tombstoneTable = manifest.Tables.FirstOrDefault(t => t.Name == ErasureOrchestration.TombstoneTable);
        var others = manifest.Tables.Where(t => t != tombstoneTable).ToList();

        var clients = new Dictionary<string, TableClient>(StringComparer.Ordinal);
        foreach (var table in manifest.Tables)
        {
            // Not JimpStorage's once-per-process cache: a disaster may have deleted tables it believes exist.
            var client = storage.Table(table.Name);
            await client.CreateIfNotExistsAsync(cancellationToken);
            clients[table.Name] = client;
        }
        if (mode == RestoreMode.EmptyTablesOnly)
        {
            var notEmpty = new List<string>();
            foreach (var table in others)
            {
                await foreach (var page in clients[table.Name].QueryAsync<TableEntity>(maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages())
                {
                    if (page.Values.Count > 0) notEmpty.Add(table.Name);
                    break;
                }
            }
            if (notEmpty.Count > 0)
            {
                throw new RestoreRefusedException("These tables are not empty, so nothing was restored (wipe them for a disaster recovery, or restore with keep-newer): "
                    + string.Join(", ", notEmpty));
            }
        }

        var restored = new List<RestoredTable>();
        // The tombstones first, merged with the live ones: the live ones always stay.
        if (tombstoneTable is not null) restored.Add(await RestoreTableAsync(tombstoneTable, clients[tombstoneTable.Name], _ => false, cancellationToken));
        var tombstones = await TombstoneSubjectsAsync(cancellationToken);

        var erased = new Dictionary<string, string?>(StringComparer.Ordinal); // user id → address (from the backup's account)
        string? lastKey = null;
        var lastErased = false;
        bool IsErased(string partitionKey)
        {
            if (partitionKey != lastKey)
            {
                lastKey = partitionKey;
                lastErased = tombstones.Contains(keyedHash.TombstoneId(partitionKey));
                if (lastErased) erased.TryAdd(partitionKey, null);
            }
            return lastErased;
        }
        var byPartition = registry.Stores.OfType<UserPartitionTable>().Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var table in others)
        {
            var skip = byPartition.Contains(table.Name);
            restored.Add(await RestoreTableAsync(table, clients[table.Name], e =>
            {
                // A row keyed by user id though not partitioned by it (the sign-in-month index) is skipped for an erased person.
                if (AccountStore.UserIdOfRawRow(table.Name, e) is { } owner) return IsErased(owner);
                if (!IsErased(e.PartitionKey)) return false;
                if (AccountStore.AddressOfRawAccountRow(table.Name, e) is { } address) erased[e.PartitionKey] = address;
                return skip;
            }, cancellationToken));
        }

        var replayed = await ReplayErasuresAsync(erased, cancellationToken);
        LogRestored(logger, run.Id, restored.Count, restored.Sum(t => t.Written), erased.Count, replayed);
        return new RestoreReport(run.Id, restored, erased.Count, replayed);
    }

    /// <summary>Every store's own erasure for each erased person, the account last, as the erasure orchestration runs them.</summary>
    private async Task<int> ReplayErasuresAsync(IReadOnlyDictionary<string, string?> erased, CancellationToken cancellationToken)
    {
        var stores = registry.Stores.OrderBy(s => AccountStore.IsAccountsTable(s.Name) ? 1 : 0).ToList();
        var records = 0;
        foreach (var (userId, email) in erased)
        {
            var subject = new ErasureSubject(userId, email, keyedHash.TombstoneId(userId));
            foreach (var store in stores) records += await store.EraseAsync(subject, cancellationToken);
        }
        return records;
    }

    private async Task<HashSet<string>> TombstoneSubjectsAsync(CancellationToken cancellationToken)
    {
        var table = storage.Table(ErasureOrchestration.TombstoneTable);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var t in table.QueryAsync<TableEntity>(maxPerPage: 1000, select: ["Subject"], cancellationToken: cancellationToken))
        {
            if (t.GetString("Subject") is { Length: > 0 } subject) subjects.Add(subject);
        }
        return subjects;
    }

    /// <summary>Inserts the backup's rows (never replaces): by partition, 100 per transaction; a transaction that meets a live row goes row by row.</summary>
    private async Task<RestoredTable> RestoreTableAsync(BackupTable table, TableClient client, Func<TableEntity, bool> skip, CancellationToken cancellationToken)
    {
        long rows = 0, written = 0, erased = 0, kept = 0;
        var batch = new List<TableEntity>(100);
        var bytes = 0;
        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            try
            {
                await client.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), cancellationToken);
                written += batch.Count;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                foreach (var entity in batch)
                {
                    try
                    {
                        await client.AddEntityAsync(entity, cancellationToken);
                        written++;
                    }
                    catch (RequestFailedException conflict) when (conflict.Status == 409)
                    {
                        kept++;
                    }
                }
            }
            batch.Clear();
            bytes = 0;
        }
        await foreach (var entity in backups.ReadAsync(table.Blob, cancellationToken))
        {
            rows++;
            if (skip(entity))
            {
                erased++;
                continue;
            }
            var size = BackupFormat.ToLine(entity).Length;
            if (batch.Count > 0 && (batch[0].PartitionKey != entity.PartitionKey || batch.Count == 100 || bytes + size > BatchBytes)) await FlushAsync();
            batch.Add(entity);
            bytes += size;
        }
        await FlushAsync();
        if (rows != table.Rows) throw new InvalidOperationException($"The backup of {table.Name} holds {rows} rows, its manifest says {table.Rows}.");
        return new RestoredTable(table.Name, rows, written, erased, kept);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restored backup {Run}: {Tables} tables, {Rows} rows written; erasure replayed for {ErasedPeople} people ({Records} records)")]
    private static partial void LogRestored(ILogger logger, string run, int tables, long rows, int erasedPeople, int records);
}
