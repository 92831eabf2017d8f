using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Coaching;

/// <summary>The <c>profiles</c> table: one entity per user (partition = user id) holding the profile as JSON.</summary>
public sealed class ProfileStore(JimpStorage storage)
{
    public const string Table = "profiles";
    private const string Row = "profile";

    public async Task<string?> GetJsonAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.GetString("Profile") : null;
    }

    public async Task<(CoachProfile Profile, DateTimeOffset UpdatedAt)?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, Row, cancellationToken: cancellationToken);
        if (!found.HasValue) return null;
        return (Deserialize(found.Value!.GetString("Profile"))!, found.Value!.GetDateTimeOffset("UpdatedAt") ?? default);
    }

    /// <summary>Every profile (one query per 1,000 profiles), for the jobs that look at all users.</summary>
    public async IAsyncEnumerable<(string UserId, CoachProfile Profile)> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {Row}"), select: ["PartitionKey", "Profile"], cancellationToken: cancellationToken))
        {
            if (Deserialize(e.GetString("Profile")) is { } profile)
            {
                yield return (e.PartitionKey, profile);
            }
        }
    }

    public async Task SaveAsync(string userId, CoachProfile profile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(userId, Row) { ["Profile"] = Serialize(profile), ["UpdatedAt"] = now }, TableUpdateMode.Replace, cancellationToken);
    }

    public static string Serialize(CoachProfile profile) => JsonSerializer.Serialize(profile, RequestJson.Options);

    public static CoachProfile? Deserialize(string? json) => json is null ? null : JsonSerializer.Deserialize<CoachProfile>(json, RequestJson.Options);
}
