using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Coaching;

/// <summary>
/// The deployment's model tokens per minute (<c>Chat:ModelTokensPerMinute</c>, the Azure OpenAI deployment's TPM
/// quota: Bicep sets it from <c>chatModelCapacity</c> × 1,000), shared by every instance through Table Storage, so
/// that when the quota is used up creators get the offline coach with the <c>model-busy</c> notice (or, with
/// <c>Chat:WhenModelUnavailable=refuse</c>, the <c>model-busy</c> error) instead of a model that answers 429.
/// <para>
/// Storage: table <see cref="Table"/>, partition <see cref="Partition"/>, a fixed number of counter rows
/// (<c>Chat:ModelBudgetShards</c>), each holding one fixed window: the minute (UTC, <c>yyyyMMddHHmm</c>) and the
/// tokens counted in it. An instance writes one shard (picked at random when it starts) with the row's ETag, so two
/// instances on the same shard never lose each other's tokens (a 412 costs one point read and the write again), and
/// an instance writes its shard once at a time, so it never counts its own tokens twice;
/// a row of an earlier minute is overwritten, so rows never pile up. The check sums the partition's rows of the
/// current minute (one query over at most <c>Shards</c> rows).
/// </para>
/// <para>
/// Cost and trade-off: reads and writes are not made on every turn. An instance reads the total at most every
/// <c>Chat:ModelBudgetSyncSeconds</c> (5 s) and adds its own tokens since that read; it writes the tokens it
/// counted after an answer (never before the first delta) at most every sync interval, or sooner when they reach a
/// tenth of the quota, or when the minute changes. A model turn therefore costs the turn's 5 requests plus at most
/// 2 per instance per sync interval (a cold instance's first turn: 7; under load: 5). The price is staleness:
/// instances may overshoot the minute's quota by what the others spent in the last sync interval — the Azure OpenAI
/// deployment still enforces its own limit with 429, which takes the existing <c>model-busy</c> path. Exact
/// counting on every turn would cost 2 more storage requests per turn and a round trip before the first delta.
/// When the table cannot be reached the check lets the turn go to the model (fail open: the deployment's own
/// limit still holds) and logs it.
/// </para>
/// </summary>
public sealed partial class ModelTokenBudget(JimpStorage storage, TimeProvider clock, IOptions<CoachChatOptions> options, ILogger<ModelTokenBudget> logger)
{
    public const string Table = "chatbudget";
    public const string Partition = "tpm";

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);
    private readonly int shard = Random.Shared.Next(Math.Max(1, options.Value.ModelBudgetShards));

    public static string MinuteKey(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string ShardKey(int shard) => "shard-" + shard.ToString("D2", CultureInfo.InvariantCulture);

    /// <summary>Whole seconds until the next minute starts (at least 1): when the quota renews.</summary>
    public static int SecondsToNextMinute(DateTimeOffset now) => Math.Max(1, 60 - now.UtcDateTime.Second);

    public bool Enabled => options.Value.ModelTokensPerMinute > 0;

    /// <summary>
    /// Null when the model may be called this minute; otherwise the seconds until the quota renews. Reads the
    /// shared total when this instance's view is older than the sync interval or of an earlier minute.
    /// </summary>
    public async Task<int?> SpentForAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.ModelTokensPerMinute <= 0) return null;
        var now = clock.GetUtcNow();
        var minute = MinuteKey(now);
        var window = windows.GetOrAdd(storage.TableName(Table), _ => new Window());
        bool stale;
        lock (window)
        {
            stale = window.Minute != minute || now - window.ReadAt >= TimeSpan.FromSeconds(o.ModelBudgetSyncSeconds);
        }
        if (stale)
        {
            try
            {
                await ReadAsync(window, minute, now, cancellationToken);
            }
            catch (Exception e) when (e is RequestFailedException or StorageUnavailableException)
            {
                LogBudgetUnavailable(logger, "read", e.GetType().Name);
                return null;
            }
        }
        lock (window)
        {
            return window.Minute == minute && window.Total + window.SinceRead >= o.ModelTokensPerMinute ? SecondsToNextMinute(now) : null;
        }
    }

    /// <summary>Counts the tokens a model answer spent; writes this instance's shard when it is due (see the class).</summary>
    public async Task RecordAsync(long tokens, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.ModelTokensPerMinute <= 0 || tokens <= 0) return;
        var now = clock.GetUtcNow();
        var minute = MinuteKey(now);
        var window = windows.GetOrAdd(storage.TableName(Table), _ => new Window());
        bool due;
        lock (window)
        {
            if (window.PendingMinute != minute)
            {
                // Tokens of an earlier minute no longer matter to anyone.
                window.PendingMinute = minute;
                window.Pending = 0;
            }
            window.Pending += tokens;
            if (window.Minute == minute) window.SinceRead += tokens;
            due = window.FlushedMinute != minute
                || now - window.FlushedAt >= TimeSpan.FromSeconds(o.ModelBudgetSyncSeconds)
                || window.Pending * 10 >= o.ModelTokensPerMinute;
        }
        if (!due) return;
        try
        {
            await FlushAsync(window, minute, now, cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or StorageUnavailableException)
        {
            LogBudgetUnavailable(logger, "write", e.GetType().Name);
        }
    }

    private async Task ReadAsync(Window window, string minute, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        long total = 0;
        TableEntity? own = null;
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            if (row.RowKey == ShardKey(shard)) own = row;
            if (row.GetString("Minute") == minute) total += row.GetInt64("Tokens") ?? 0;
        }
        lock (window)
        {
            window.Minute = minute;
            window.Total = total;
            window.ReadAt = now;
            // What this instance counted but has not written yet is not in the total.
            window.SinceRead = window.PendingMinute == minute ? window.Pending : 0;
            if (own is not null) window.Own = own;
        }
    }

    private async Task FlushAsync(Window window, string minute, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        // One write of the shard at a time in this instance: a second write refused (412) while the first was on
        // the wire would read the row holding the first's tokens while they were still pending here, and add them
        // again (ChatBudgetGlobalTests: 190-330 counted for 120). The one waiting writes what is pending after it.
        await window.Writing.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(table, window, minute, now, cancellationToken);
        }
        finally
        {
            window.Writing.Release();
        }
    }

    private async Task WriteAsync(TableClient table, Window window, string minute, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            TableEntity? own;
            long pending;
            lock (window)
            {
                own = window.Own;
                pending = window.PendingMinute == minute ? window.Pending : 0;
            }
            if (pending <= 0) return;
            var sameMinute = own is not null && own.GetString("Minute") == minute;
            var row = new TableEntity(Partition, ShardKey(shard))
            {
                ["Minute"] = minute,
                ["Tokens"] = (sameMinute ? own!.GetInt64("Tokens") ?? 0 : 0) + pending,
            };
            try
            {
                var response = own is null
                    ? await table.AddEntityAsync(row, cancellationToken)
                    : await table.UpdateEntityAsync(row, own.ETag, TableUpdateMode.Replace, cancellationToken);
                row.ETag = response.Headers.ETag ?? default;
                lock (window)
                {
                    window.Own = row;
                    window.Pending -= pending;
                    window.FlushedMinute = minute;
                    window.FlushedAt = now;
                }
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another instance wrote this shard since: read it and add to what it holds.
                var fresh = await table.GetEntityIfExistsAsync<TableEntity>(Partition, ShardKey(shard), cancellationToken: cancellationToken);
                lock (window)
                {
                    window.Own = fresh.HasValue ? fresh.Value : null;
                }
            }
        }
        LogBudgetUnavailable(logger, "write", "conflicts");
    }

    /// <summary>This instance's view of one storage prefix's budget (tests share a host with a prefix each).</summary>
    private sealed class Window
    {
        public string? Minute;
        public long Total;
        public long SinceRead;
        public DateTimeOffset ReadAt = DateTimeOffset.MinValue;
        public TableEntity? Own;
        public string? PendingMinute;
        public long Pending;
        public string? FlushedMinute;
        public DateTimeOffset FlushedAt = DateTimeOffset.MinValue;
        public readonly SemaphoreSlim Writing = new(1, 1);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model token budget {Operation} failed with {Reason}; turns go on")]
    private static partial void LogBudgetUnavailable(ILogger logger, string operation, string reason);
}
