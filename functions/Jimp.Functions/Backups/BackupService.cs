using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Backups;

/// <summary>One table in a night's backup: its logical name (no storage prefix), rows, blob and compressed size.</summary>
public sealed record BackupTable(string Name, long Rows, string Blob, long Bytes);

/// <summary>
/// The manifest of a backup, written last: its presence is what makes the backup complete. A backup without one
/// (interrupted: the process stopped, storage failed) is never used by a restore.
/// </summary>
/// <param name="KeyId">The fingerprint of the keyed-hash key when the backup was taken (tombstone ids are keyed hashes).</param>
public sealed record BackupManifest(int Format, string Run, DateTimeOffset StartedAt, DateTimeOffset CompletedAt, string KeyId, IReadOnlyList<BackupTable> Tables)
{
    public const int CurrentFormat = 1;

    public long Rows => Tables.Sum(t => t.Rows);
}

/// <summary>A backup found in the container: its run id (<c>yyyy-MM-ddTHHmmssZ</c>), when it was taken, and whether its manifest exists.</summary>
public sealed record BackupRun(string Id, DateTimeOffset TakenAt, bool Complete, IReadOnlyList<string> Blobs)
{
    public DateOnly Night => DateOnly.FromDateTime(TakenAt.UtcDateTime);
}

/// <param name="Run">The backup written (null when tonight's was already complete).</param>
/// <param name="Deleted">Runs older than <see cref="BackupOptions.RetentionDays"/> deleted (complete or not).</param>
/// <param name="Refused">Blobs whose deletion storage refused (still immutable): retried the next night.</param>
public sealed record BackupReport(BackupManifest? Run, IReadOnlyList<string> Deleted, int Refused);

/// <summary>
/// The nightly backup of every table the app owns to the private container <c>backups</c>: one gzip-compressed
/// JSON Lines blob per table (<see cref="BackupFormat"/>, types kept), read a page of 1,000 entities at a time and
/// streamed into the blob (a table is never held in memory), then the manifest, last. The tables are the ones the
/// personal-data registry declares (stores and non-personal stores, month families expanded), found in storage
/// with one table listing: a new table is declared in the registry (RegistryCompletenessTests), so it is backed up.
/// Then runs older than <see cref="BackupOptions.RetentionDays"/> are deleted. In Azure the container has a
/// time-based immutability policy of the same number of days: nobody, the app's identity included, can delete or
/// overwrite a backup before then, so each run writes under a new name.
/// </summary>
public sealed partial class BackupService(
    JimpStorage storage,
    PersonalDataRegistry registry,
    KeyedHash keyedHash,
    IOptions<BackupOptions> options,
    TimeProvider clock,
    ILogger<BackupService> logger)
{
    public const string Container = "backups";
    public const string ManifestBlob = "manifest.json";
    private const string RunFormat = "yyyy-MM-dd'T'HHmmss'Z'";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private BackupOptions Options => options.Value;

    public static string RunId(DateTimeOffset at) => at.UtcDateTime.ToString(RunFormat, CultureInfo.InvariantCulture);

    public static string BlobFor(string run, string table) => $"{run}/{table}.jsonl.gz";

    /// <summary>Tonight's backup (unless one is already complete for today's date), then the expired nights deleted.</summary>
    public async Task<BackupReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var runs = await ListAsync(cancellationToken);
        BackupManifest? written = null;
        if (!runs.Any(r => r.Complete && r.Night == DateOnly.FromDateTime(now.UtcDateTime)))
        {
            written = await BackUpAsync(cancellationToken);
        }
        var (deleted, refused) = await DeleteExpiredAsync(runs, cancellationToken);
        return new BackupReport(written, deleted, refused);
    }

    /// <summary>Writes a backup of every table now, whatever exists already.</summary>
    public async Task<BackupManifest> BackUpAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var run = RunId(started);
        var container = await storage.ContainerAsync(Container, cancellationToken);
        var tables = new List<BackupTable>();
        foreach (var name in await TablesAsync(cancellationToken))
        {
            tables.Add(await BackUpTableAsync(container, run, name, cancellationToken));
        }
        var manifest = new BackupManifest(BackupManifest.CurrentFormat, run, started, clock.GetUtcNow(), keyedHash.KeyId, tables);
        // Last: a backup is complete, and usable by a restore, only once this blob exists.
        await container.GetBlobClient($"{run}/{ManifestBlob}").UploadAsync(BinaryData.FromObjectAsJson(manifest, Json), overwrite: false, cancellationToken);
        LogBackedUp(logger, run, tables.Count, manifest.Rows);
        return manifest;
    }

    private async Task<BackupTable> BackUpTableAsync(BlobContainerClient container, string run, string name, CancellationToken cancellationToken)
    {
        var table = storage.Table(name);
        var blob = container.GetBlobClient(BlobFor(run, name));
        long rows = 0;
        await using (var target = await blob.OpenWriteAsync(overwrite: true, new BlobOpenWriteOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/gzip" } }, cancellationToken))
        await using (var gzip = new GZipStream(target, CompressionLevel.Optimal, leaveOpen: true))
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(maxPerPage: Options.PageSize, cancellationToken: cancellationToken))
            {
                gzip.Write(BackupFormat.ToLine(entity));
                gzip.WriteByte((byte)'\n');
                rows++;
            }
        }
        var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
        return new BackupTable(name, rows, blob.Name, properties.Value.ContentLength);
    }

    /// <summary>
    /// The logical names (no prefix) of the tables to back up: every table in storage whose name the registry
    /// declares (a store, a non-personal store, or a month of a <c>…log{yyyyMM}</c> family), in name order.
    /// </summary>
    public async Task<IReadOnlyList<string>> TablesAsync(CancellationToken cancellationToken)
    {
        var declared = registry.Stores.Select(s => s.Name).Concat(registry.NonPersonal.Keys).ToList();
        var exact = declared.Where(n => !n.Contains('{', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var families = declared.Where(n => n.EndsWith("log{yyyyMM}", StringComparison.Ordinal))
            .Select(n => new Regex("^" + Regex.Escape(n[..^"{yyyyMM}".Length]) + "[0-9]{6}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
            .ToList();
        var prefix = storage.Prefix;
        var names = new List<string>();
        var tables = prefix.Length == 0
            ? storage.TableService.QueryAsync(cancellationToken: cancellationToken)
            : storage.TableService.QueryAsync(t => t.Name.CompareTo(prefix) >= 0 && t.Name.CompareTo(prefix + "~") < 0, cancellationToken: cancellationToken);
        await foreach (var table in tables)
        {
            if (!table.Name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var name = table.Name[prefix.Length..];
            if (exact.Contains(name) || families.Any(f => f.IsMatch(name))) names.Add(name);
        }
        return names.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every backup in the container, newest first, with whether it is complete (one listing per 5,000 blobs).</summary>
    public async Task<IReadOnlyList<BackupRun>> ListAsync(CancellationToken cancellationToken)
    {
        var container = await storage.ContainerAsync(Container, cancellationToken);
        var blobs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken))
        {
            var slash = blob.Name.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0) continue;
            var run = blob.Name[..slash];
            if (!blobs.TryGetValue(run, out var list)) blobs[run] = list = [];
            list.Add(blob.Name);
        }
        var runs = new List<BackupRun>();
        foreach (var (run, list) in blobs)
        {
            if (!DateTimeOffset.TryParseExact(run, RunFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) continue;
            runs.Add(new BackupRun(run, at, list.Contains($"{run}/{ManifestBlob}"), list));
        }
        return runs.OrderByDescending(r => r.TakenAt).ToList();
    }

    /// <summary>The manifest of a complete backup.</summary>
    public async Task<BackupManifest> ManifestAsync(string run, CancellationToken cancellationToken)
    {
        var container = await storage.ContainerAsync(Container, cancellationToken);
        var content = await container.GetBlobClient($"{run}/{ManifestBlob}").DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToObjectFromJson<BackupManifest>(Json)
            ?? throw new InvalidOperationException($"The manifest of backup {run} is empty.");
    }

    /// <summary>A table's lines, decompressed and read one at a time.</summary>
    public async IAsyncEnumerable<TableEntity> ReadAsync(string blobName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = await storage.ContainerAsync(Container, cancellationToken);
        await using var source = await container.GetBlobClient(blobName).OpenReadAsync(cancellationToken: cancellationToken);
        await using var gzip = new GZipStream(source, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0) yield return BackupFormat.Read(System.Text.Encoding.UTF8.GetBytes(line));
        }
    }

    /// <summary>Deletes every run (complete or interrupted) taken <see cref="BackupOptions.RetentionDays"/> days ago or more.</summary>
    private async Task<(IReadOnlyList<string> Deleted, int Refused)> DeleteExpiredAsync(IReadOnlyList<BackupRun> runs, CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().AddDays(-Options.RetentionDays);
        var container = await storage.ContainerAsync(Container, cancellationToken);
        var deleted = new List<string>();
        var refused = 0;
        foreach (var run in runs.Where(r => r.TakenAt <= cutoff))
        {
            var complete = true;
            // The manifest last, so a half-deleted run reads as interrupted and is never restored.
            foreach (var blob in run.Blobs.OrderBy(b => b.EndsWith("/" + ManifestBlob, StringComparison.Ordinal) ? 1 : 0))
            {
                try
                {
                    await container.DeleteBlobIfExistsAsync(blob, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    // Still under the immutability policy (the job ran a little before the period ended): next night.
                    refused++;
                    complete = false;
                }
            }
            if (complete) deleted.Add(run.Id);
        }
        if (deleted.Count > 0 || refused > 0) LogExpired(logger, deleted.Count, refused, Options.RetentionDays);
        return (deleted, refused);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup {Run}: {Tables} tables, {Rows} rows")]
    private static partial void LogBackedUp(ILogger logger, string run, int tables, long rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Backups older than {Days} days: {Deleted} runs deleted, {Refused} blobs still immutable (retried next night)")]
    private static partial void LogExpired(ILogger logger, int deleted, int refused, int days);
}
