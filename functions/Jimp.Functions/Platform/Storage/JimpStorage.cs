using System.Collections.Concurrent;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform.Storage;

/// <summary>
/// The one door to storage: names every table and container with the configured prefix and creates each
/// at most once per process (one request on first use, none after).
/// </summary>
public sealed class JimpStorage(TableServiceClient tables, BlobServiceClient blobs, IOptions<StorageOptions> options)
{
    private readonly string prefix = options.Value.Prefix;
    private readonly ConcurrentDictionary<string, Lazy<Task>> created = new(StringComparer.Ordinal);

    public TableServiceClient TableService => tables;

    public BlobServiceClient BlobService => blobs;

    public string Prefix => prefix;

    public string TableName(string name) => prefix + name;

    public string ContainerName(string name) => prefix + name;

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

    private Task EnsureOnceAsync(string key, Func<Task> create)
    {
        var lazy = created.GetOrAdd(key, _ => new Lazy<Task>(create));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled)
        {
            created.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, lazy));
        }
        return task;
    }
}
