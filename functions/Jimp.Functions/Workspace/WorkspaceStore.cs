using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Workspace;

/// <summary>
/// The workspace's three tables, each partitioned by user id: <c>workspaceproducts</c> (one row per product),
/// <c>workspacevideos</c> (one row per video) and <c>workspaceplans</c> (one row per ISO week of plan).
/// Amounts are stored as doubles (Table Storage has no decimal) and read back rounded.
/// </summary>
public sealed class WorkspaceStore(JimpStorage storage)
{
    public const string ProductsTable = "workspaceproducts";
    public const string VideosTable = "workspacevideos";
    public const string PlansTable = "workspaceplans";
    public const int BatchSize = 100;

    public async Task<IReadOnlyList<Product>> ProductsAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(ProductsTable, cancellationToken);
        var list = new List<Product>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            list.Add(ToProduct(e));
        }
        return list;
    }

    public async Task<Product?> ProductAsync(string userId, string id, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(ProductsTable, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, id, cancellationToken: cancellationToken);
        return found.HasValue ? ToProduct(found.Value!) : null;
    }

    public async Task SaveProductAsync(string userId, Product p, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(p);
        var table = await storage.TableAsync(ProductsTable, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(userId, p.Id)
        {
            ["Name"] = p.Name,
            ["Niche"] = p.Niche,
            ["PriceEur"] = (double?)p.PriceEur,
            ["CommissionPercent"] = (double?)p.CommissionPercent,
            ["ShopUrl"] = p.ShopUrl,
            ["Notes"] = p.Notes,
            ["Status"] = p.Status,
            ["CreatedAt"] = p.CreatedAt,
            ["UpdatedAt"] = p.UpdatedAt,
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Deletes one row; false when it was not there.</summary>
    public async Task<bool> DeleteAsync(string tableName, string userId, string id, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var response = await table.DeleteEntityAsync(userId, id, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Every video of the user (one query per 1,000 videos).</summary>
    public async Task<IReadOnlyList<Video>> VideosAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(VideosTable, cancellationToken);
        var list = new List<Video>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            list.Add(ToVideo(e));
        }
        return list;
    }

    /// <summary>The ids of the user's videos (one query per 1,000, keys only).</summary>
    public async Task<ISet<string>> VideoIdsAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(VideosTable, cancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(e.RowKey);
        }
        return ids;
    }

    public async Task<bool> VideoExistsAsync(string userId, string id, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(VideosTable, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, id, select: ["RowKey"], cancellationToken: cancellationToken);
        return found.HasValue;
    }

    /// <summary>Upserts the videos in transactions of at most 100 rows of the user's partition.</summary>
    public async Task SaveVideosAsync(string userId, IReadOnlyList<Video> videos, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var table = await storage.TableAsync(VideosTable, cancellationToken);
        foreach (var chunk in videos.Chunk(BatchSize))
        {
            await table.SubmitTransactionAsync(chunk.Select(v => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(userId, v))), cancellationToken);
        }
    }

    public async Task<WeeklyPlan?> PlanAsync(string userId, string week, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(PlansTable, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, week, cancellationToken: cancellationToken);
        if (!found.HasValue) return null;
        var e = found.Value!;
        var items = JsonSerializer.Deserialize<List<PlanItem>>(e.GetString("Items") ?? "[]", RequestJson.Options) ?? [];
        return new WeeklyPlan(week, e.GetString("Language") ?? "fr", e.GetDateTimeOffset("CreatedAt") ?? default, items);
    }

    public async Task SavePlanAsync(string userId, WeeklyPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var table = await storage.TableAsync(PlansTable, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(userId, plan.Week)
        {
            ["Language"] = plan.Language,
            ["CreatedAt"] = plan.CreatedAt,
            ["Items"] = JsonSerializer.Serialize(plan.Items, RequestJson.Options),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    private static TableEntity ToEntity(string userId, Video v) => new(userId, v.Id)
    {
        ["PostedOn"] = v.PostedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["ProductId"] = v.ProductId,
        ["HookText"] = v.HookText,
        ["HookStyle"] = v.HookStyle,
        ["Format"] = v.Format,
        ["LengthSeconds"] = (double)v.LengthSeconds,
        ["Views"] = v.Views,
        ["AverageWatchSeconds"] = (double?)v.AverageWatchSeconds,
        ["CompletionPercent"] = (double?)v.CompletionPercent,
        ["Likes"] = v.Likes,
        ["Comments"] = v.Comments,
        ["Shares"] = v.Shares,
        ["ProductClicks"] = v.ProductClicks,
        ["Orders"] = v.Orders,
        ["CommissionEur"] = (double)v.CommissionEur,
        ["Source"] = v.Source,
        ["UpdatedAt"] = v.UpdatedAt,
    };

    private static Video ToVideo(TableEntity e) => new(
        e.RowKey,
        DateOnly.ParseExact(e.GetString("PostedOn") ?? "2016-09-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetString("ProductId"),
        e.GetString("HookText"),
        e.GetString("HookStyle"),
        e.GetString("Format"),
        Dec(e.GetDouble("LengthSeconds")) ?? 0,
        e.GetInt64("Views") ?? 0,
        Dec(e.GetDouble("AverageWatchSeconds")),
        Dec(e.GetDouble("CompletionPercent")),
        e.GetInt64("Likes") ?? 0,
        e.GetInt64("Comments") ?? 0,
        e.GetInt64("Shares") ?? 0,
        e.GetInt64("ProductClicks") ?? 0,
        e.GetInt64("Orders") ?? 0,
        Dec(e.GetDouble("CommissionEur")) ?? 0,
        e.GetString("Source") ?? Video.FromForm,
        e.GetDateTimeOffset("UpdatedAt") ?? default);

    private static Product ToProduct(TableEntity e) => new(
        e.RowKey,
        e.GetString("Name") ?? "",
        e.GetString("Niche"),
        Dec(e.GetDouble("PriceEur")),
        Dec(e.GetDouble("CommissionPercent")),
        e.GetString("ShopUrl"),
        e.GetString("Notes"),
        e.GetString("Status") ?? ProductStatuses.Idea,
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default);

    private static decimal? Dec(double? d) => d is { } v ? Math.Round((decimal)v, 4) : null;
}
