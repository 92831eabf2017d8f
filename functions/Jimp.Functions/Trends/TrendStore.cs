using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Trends;

/// <summary>
/// Snapshots in the <c>trends</c> table: partition <c>{country}-{kind}-{period}</c> (plus <c>-{industryId}</c>
/// for an industry's list), row key the inverted date (<c>99999999 - yyyyMMdd</c>) so the newest comes first.
/// A snapshot is ONE entity (its items as compact JSON, split over a few string properties when longer than
/// a property may be): 100 items weigh ~10–20 KB, far under the 1 MiB entity limit, so a blob would only add a
/// request. One entity makes replacing atomic (one upsert: readers see the old list or the new one, never a
/// mix) and reading the latest one query of one row. A second snapshot the same day has the same keys and
/// replaces the first.
/// </summary>
public sealed class TrendStore(JimpStorage storage)
{
    public const string TableName = "trends";

    /// <summary>Azure allows 64 KiB per string property (32K UTF-16 characters); stay well under.</summary>
    internal const int ChunkChars = 30_000;

    private const int MaxChunks = 30;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static string RowKeyFor(DateOnly date) =>
        (99_999_999 - ((date.Year * 10_000) + (date.Month * 100) + date.Day)).ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>Stores the snapshot, replacing one of the same list and day: one upsert.</summary>
    public async Task SaveAsync(TrendSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var table = await storage.TableAsync(TableName, cancellationToken);
        var entity = new TableEntity(snapshot.Key.PartitionKey, RowKeyFor(snapshot.Date))
        {
            ["Country"] = snapshot.Key.Country,
            ["Kind"] = snapshot.Key.Kind,
            ["Period"] = snapshot.Key.Period,
            ["IndustryId"] = snapshot.Key.IndustryId,
            ["Date"] = snapshot.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["FetchedAt"] = snapshot.FetchedAt,
            ["Origin"] = snapshot.Origin,
            ["Count"] = snapshot.Items.Count,
        };
        var json = JsonSerializer.Serialize(snapshot.Items, Json);
        var chunks = json.Chunk(ChunkChars).Select(c => new string(c)).ToList();
        if (chunks.Count > MaxChunks)
        {
            throw new InvalidOperationException("A trend snapshot is too large to store.");
        }
        for (var i = 0; i < chunks.Count; i++)
        {
            entity["Items" + i.ToString(CultureInfo.InvariantCulture)] = chunks[i];
        }
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The newest snapshot of a list, or null: one query returning one row.</summary>
    public async Task<TrendSnapshot?> LatestAsync(TrendSnapshotKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var table = await storage.TableAsync(TableName, cancellationToken);
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {key.PartitionKey}"), maxPerPage: 1, cancellationToken: cancellationToken).AsPages(pageSizeHint: 1))
            {
                return page.Values.Count == 0 ? null : Read(key, page.Values[0]);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            storage.Forget(table.Name);
        }
        return null;
    }

    private static TrendSnapshot Read(TrendSnapshotKey key, TableEntity entity)
    {
        var json = new StringBuilder();
        for (var i = 0; i < MaxChunks && entity.GetString("Items" + i.ToString(CultureInfo.InvariantCulture)) is { } chunk; i++)
        {
            json.Append(chunk);
        }
        var items = JsonSerializer.Deserialize<List<TrendSnapshotItem>>(json.ToString(), Json) ?? [];
        return new TrendSnapshot(
            key,
            DateOnly.ParseExact(entity.GetString("Date"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            entity.GetDateTimeOffset("FetchedAt") ?? DateTimeOffset.MinValue,
            entity.GetString("Origin") ?? TrendSnapshot.FromApi,
            items);
    }
}
