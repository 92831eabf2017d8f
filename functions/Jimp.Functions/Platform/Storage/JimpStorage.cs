using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform.Storage;

/// <summary>
/// The one door to storage: names every table and container with the configured prefix and creates each
/// at most once per process (one request on first use, none after).
/// </summary>
/// <param name="scopedPrefix">
/// Registered only by the DevHost when tests share it: the prefix of the test being served, if any. In Azure there
/// is none, and every name takes the configured prefix.
/// </param>
public sealed class JimpStorage(TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options, IScopedStoragePrefix? scopedPrefix = null)
{
    private readonly string configuredPrefix = options.Value.Prefix;
    private readonly ConcurrentDictionary<string, Lazy<Task>> created = new(StringComparer.Ordinal);

    public TableServiceClient TableService => tables;

    public BlobServiceClient BlobService => blobs;

    /// <summary>The prefix of every table and container name: the configured one, or the scoped one where the DevHost sets it.</summary>
    public string Prefix => scopedPrefix?.Current ?? configuredPrefix;

    public string TableName(string name) => Prefix + name;

    public string ContainerName(string name) => Prefix + name;

    /// <summary>The table, without creating it (reads of a table that may not exist must handle 404).</summary>
    public TableClient Table(string name) => tables.GetTableClient(TableName(name));

    public BlobContainerClient Container(string name) => blobs.GetBlobContainerClient(ContainerName(name));

    /// <summary>The table, created on first use in this process.</summary>
    public async Task<TableClient> TableAsync(string name, CancellationToken cancellationToken = default)
    {
        var client = Table(name);
        await EnsureOnceAsync("t:" + client.Name, () => client.CreateIfNotExistsAsync(CancellationToken.None)).WaitAsync(cancellationToken);
        return client;
    }

    /// <summary>The blob container (always private), created on first use in this process.</summary>
    public async Task<BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken = default)
    {
        var client = Container(name);
        await EnsureOnceAsync("c:" + client.Name, () => client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None)).WaitAsync(cancellationToken);
        return client;
    }

    /// <summary>Forgets that a table exists (after it was deleted whole), so the next use creates it again.</summary>
    public void Forget(string tableName) => created.TryRemove("t:" + tableName, out _);

    /// <summary>
    /// One creation per name and process. A creation that failed (storage down) is not remembered: the call that
    /// finds it failed forgets it and creates again, so the first request once storage is back succeeds (it used to
    /// be answered the old failure, a 503 after the outage was over).
    /// </summary>
    private Task EnsureOnceAsync(string key, Func<Task> create)
    {
        var lazy = created.GetOrAdd(key, _ => new Lazy<Task>(create));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            created.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, lazy));
            lazy = created.GetOrAdd(key, _ => new Lazy<Task>(create));
            task = lazy.Value; // a fresh attempt (or one another caller just started); if it fails, the next call tries again
        }
        return task;
    }
}

/// <summary>
/// A storage prefix scoped to the work being done (a request, an activity), which replaces the configured one.
/// Only the DevHost provides one, so that tests can share a host and still each see empty storage.
/// </summary>
public interface IScopedStoragePrefix
{
    /// <summary>The prefix for the current work, or null for the configured prefix.</summary>
    string? Current { get; }
}
