using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Tests.Support;

/// <summary>Everything stored under a test's prefix, as text: every entity of every table, every blob of every container.</summary>
public static class StorageScan
{
    public static async Task<IReadOnlyList<string>> TableNamesAsync(JimpStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var names = new List<string>();
        await foreach (var table in storage.TableService.QueryAsync(t => t.Name.CompareTo(storage.Prefix) >= 0 && t.Name.CompareTo(storage.Prefix + "~") < 0))
        {
            if (table.Name.StartsWith(storage.Prefix, StringComparison.Ordinal)) names.Add(table.Name);
        }
        return names;
    }

    /// <summary>Every entity of every table, as "table: PartitionKey=…; RowKey=…; Property=value; …" lines.</summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(JimpStorage storage)
    {
        var lines = new List<string>();
        foreach (var name in await TableNamesAsync(storage))
        {
            await foreach (var entity in storage.TableService.GetTableClient(name).QueryAsync<TableEntity>())
            {
                lines.Add(name + ": " + string.Join("; ", entity.Select(kv => $"{kv.Key}={kv.Value}")));
            }
        }
        return lines;
    }

    /// <summary>Every blob of every container, as "container/name: content" lines (content read as UTF-8 text).</summary>
    public static async Task<IReadOnlyList<string>> BlobsAsync(JimpStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var lines = new List<string>();
        await foreach (var container in storage.BlobService.GetBlobContainersAsync(prefix: storage.Prefix))
        {
            var client = storage.BlobService.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = await client.GetBlobClient(blob.Name).DownloadContentAsync();
                lines.Add(container.Name + "/" + blob.Name + ": " + content.Value.Content);
            }
        }
        return lines;
    }

    public static async Task<IReadOnlyList<string>> EverythingAsync(JimpStorage storage) =>
        [.. await TablesAsync(storage), .. await BlobsAsync(storage)];

    /// <summary>
    /// What is stored now, to compare with a later snapshot: every entity of every table (as <see cref="TablesAsync"/>,
    /// etag and timestamp included, the tables read in parallel) and every blob by name, ETag and length (any write
    /// gives a blob a new ETag, so its content need not be downloaded).
    /// </summary>
    public static async Task<IReadOnlyList<string>> SnapshotAsync(JimpStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var tables = await Task.WhenAll((await TableNamesAsync(storage)).Order(StringComparer.Ordinal).Select(async name =>
        {
            var lines = new List<string>();
            await foreach (var entity in storage.TableService.GetTableClient(name).QueryAsync<TableEntity>())
            {
                lines.Add(name + ": " + string.Join("; ", entity.Select(kv => $"{kv.Key}={kv.Value}")));
            }
            return lines;
        }));
        var containers = new List<string>();
        await foreach (var container in storage.BlobService.GetBlobContainersAsync(prefix: storage.Prefix)) containers.Add(container.Name);
        var blobs = await Task.WhenAll(containers.Order(StringComparer.Ordinal).Select(async name =>
        {
            var lines = new List<string>();
            await foreach (var blob in storage.BlobService.GetBlobContainerClient(name).GetBlobsAsync())
            {
                lines.Add($"{name}/{blob.Name}: etag={blob.Properties.ETag}; length={blob.Properties.ContentLength}");
            }
            return lines;
        }));
        return [.. tables.SelectMany(t => t), .. blobs.SelectMany(b => b)];
    }
}
