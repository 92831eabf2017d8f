using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Privacy;

public static class ExportStatuses
{
    public const string Pending = "pending";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Expired = "expired";
}

public sealed record ExportRecordView(string Id, string RequestId, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ReadyAt, DateTimeOffset ExpiresAt);

/// <summary>The <c>exports</c> table: one entity per export (partition = user id, row = the request id).</summary>
public sealed class ExportRecords(JimpStorage storage)
{
    public const string Table = "exportrecords";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static string BlobName(string userId, string exportId) => $"{userId}/{exportId}.zip";

    public async Task CreateAsync(string userId, string exportId, string locale, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.AddEntityAsync(new TableEntity(userId, exportId)
        {
            ["Status"] = ExportStatuses.Pending,
            ["CreatedAt"] = now,
            ["ExpiresAt"] = now + Lifetime,
            ["Locale"] = locale,
        }, cancellationToken);
    }

    /// <summary>The export's record; null when there is none, or when the id (a route value) is no key Azure can hold.</summary>
    public async Task<TableEntity?> FindAsync(string userId, string exportId, CancellationToken cancellationToken)
    {
        if (!Platform.Storage.TableLimitsPolicy.IsValidKey(exportId)) return null;
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, exportId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    public async Task<IReadOnlyList<ExportRecordView>> ListAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<ExportRecordView>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, cancellationToken: cancellationToken))
        {
            list.Add(ToView(e, now));
        }
        return list;
    }

    public async Task UpdateAsync(string userId, string exportId, IDictionary<string, object?> changes, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var entity = new TableEntity(userId, exportId);
        foreach (var (k, v) in changes) entity[k] = v;
        await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>Marks the ready-e-mail as being sent, only if nobody changed the record since it was read.</summary>
    public async Task<bool> TryClaimEmailAsync(TableEntity record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var table = await storage.TableAsync(Table, cancellationToken);
        try
        {
            await table.UpdateEntityAsync(new TableEntity(record.PartitionKey, record.RowKey) { ["EmailClaim"] = "claimed" }, record.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false;
        }
    }

    public static ExportRecordView ToView(TableEntity e, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(e);
        var expiresAt = e.GetDateTimeOffset("ExpiresAt") ?? default;
        var status = e.GetString("Status");
        if (status == ExportStatuses.Ready && now >= expiresAt) status = ExportStatuses.Expired;
        return new ExportRecordView(e.RowKey, e.RowKey, status, e.GetDateTimeOffset("CreatedAt") ?? default, e.GetDateTimeOffset("ReadyAt"), expiresAt);
    }
}
