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
}
