using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Jimp.Functions.Platform.Storage;

/// <summary>
/// Expiry-bucketed partitions: a short-lived row (a session, a sign-in link, a rate-limit window) is stored under the
/// partition <c>x{expiry hour or day}-{shard}</c>, so what is due is a key range, and housekeeping reads and deletes
/// only that range, in batches of 100 per partition, never the whole table. Readers recover the bucket from what they
/// hold (the cookie, the link's token, the window), so a point read stays a point read.
/// <para>Rows written before buckets existed ("old shape") have a hex partition key, which sorts before <c>x</c>: one
/// extra range query per run deletes the expired ones, and costs one empty request once none is left.</para>
/// </summary>
public static class ExpiryBuckets
{
    /// <summary>Every bucketed partition key starts with this; old-shape keys (lowercase hex) all sort before it.</summary>
    public const string Prefix = "x";

    public static string Hour(DateTimeOffset expiresAt) => Prefix + expiresAt.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public static string Day(DateTimeOffset expiresAt) => Prefix + expiresAt.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The partition of a bucket's shard (one hex digit: 16 partitions a bucket, no hot one).</summary>
    public static string Partition(string bucket, char shard) => bucket + "-" + shard;

    public static bool IsBucketed(string partitionKey) => partitionKey.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>What one sweep did: rows deleted and storage requests spent.</summary>
    public sealed record SweepResult(int Deleted, int Queries, int Batches);

    /// <summary>
    /// Deletes every row of <paramref name="table"/> whose bucket is over (before <paramref name="currentBucket"/>), the
    /// rows of the current bucket already expired at <paramref name="now"/> (unless <paramref name="wholeBucketsOnly"/>:
    /// then a bucket waits until it is over, and no row that is not due is ever read, even by the server), and expired
    /// old-shape rows.
    /// </summary>
    public static async Task<SweepResult> SweepAsync(TableClient table, string currentBucket, DateTimeOffset now, bool wholeBucketsOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var at = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        int deleted = 0, queries = 0, batches = 0;
        async Task RangeAsync(string filter, bool batch)
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
            {
                queries++;
                foreach (var partition in page.Values.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
                {
                    if (batch)
                    {
                        foreach (var chunk in partition.Chunk(100))
                        {
                            batches++;
                            deleted += await DeleteBatchAsync(table, chunk, cancellationToken);
                        }
                    }
                    else
                    {
                        foreach (var e in partition)
                        {
                            batches++;
                            deleted += await DeleteOneAsync(table, e, cancellationToken) ? 1 : 0;
                        }
                    }
                }
            }
        }
        // Buckets that are over: every row in them has expired. A range of keys, nothing else read.
        await RangeAsync($"PartitionKey ge '{Prefix}' and PartitionKey lt '{currentBucket}'", batch: true);
        // The bucket in progress: its shards only, the rows already expired.
        if (!wholeBucketsOnly) await RangeAsync($"PartitionKey ge '{currentBucket}-' and PartitionKey lt '{currentBucket}.' and ExpiresAt le datetime'{at}'", batch: true);
        // Old shape (before buckets): one partition per row, so one delete each; an empty range once they are gone.
        await RangeAsync($"PartitionKey lt '{Prefix}' and ExpiresAt le datetime'{at}'", batch: false);
        return new SweepResult(deleted, queries, batches);
    }

    private static async Task<int> DeleteBatchAsync(TableClient table, TableEntity[] rows, CancellationToken cancellationToken)
    {
        if (rows.Length == 1) return await DeleteOneAsync(table, rows[0], cancellationToken) ? 1 : 0;
        try
        {
            await table.SubmitTransactionAsync(rows.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken);
            return rows.Length;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // One was deleted meanwhile (signed out, another run): the rest one by one.
            var n = 0;
            foreach (var e in rows) n += await DeleteOneAsync(table, e, cancellationToken) ? 1 : 0;
            return n;
        }
    }

    private static async Task<bool> DeleteOneAsync(TableClient table, TableEntity e, CancellationToken cancellationToken)
    {
        var response = await table.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken);
        return response.Status != 404;
    }
}
