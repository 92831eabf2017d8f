using System.Collections.Concurrent;
using System.Collections.Immutable;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Jimp.Functions.Platform.Storage;

/// <summary>
/// Counts every storage request that goes on the wire, per operation kind (<c>table:query</c>,
/// <c>table:point-read</c>, <c>table:batch</c>, <c>blob:upload</c>...). Tests and benchmarks read it to
/// hold storage cost to its targets.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    public StorageCounts Snapshot() => new(counts.ToImmutableDictionary(StringComparer.Ordinal));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message.Request);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message.Request);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(Request request) => counts.AddOrUpdate(Classify(request), 1, static (_, n) => n + 1);

    /// <summary>Names the kind of a storage request from its method and path.</summary>
    public static string Classify(Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = Uri.UnescapeDataString(request.Uri.Path);
        var query = request.Uri.Query;
        var method = request.Method.Method.ToUpperInvariant();
        var isTable = (request.Uri.Host ?? "").Contains(".table.", StringComparison.OrdinalIgnoreCase)
            || request.Uri.Port == 10002
            || path.EndsWith("$batch", StringComparison.Ordinal)
            || path.Contains("/Tables", StringComparison.Ordinal)
            || request.Headers.TryGetValue("DataServiceVersion", out _);
        if (isTable)
        {
            if (path.EndsWith("$batch", StringComparison.Ordinal)) return "table:batch";
            if (path.Contains("/Tables", StringComparison.Ordinal))
            {
                return method switch { "POST" => "table:create-table", "DELETE" => "table:delete-table", _ => "table:list-tables" };
            }
            var hasKeys = path.Contains("PartitionKey=", StringComparison.Ordinal) && path.Contains("RowKey=", StringComparison.Ordinal);
            return method switch
            {
                "GET" when hasKeys => "table:point-read",
                "GET" => "table:query",
                "POST" => "table:insert",
                "PUT" => "table:upsert",
                "PATCH" or "MERGE" => "table:merge",
                "DELETE" => "table:delete",
                _ => "table:" + method.ToLowerInvariant(),
            };
        }
        var isContainerOp = query.Contains("restype=container", StringComparison.Ordinal);
        return method switch
        {
            "GET" when query.Contains("comp=list", StringComparison.Ordinal) => "blob:list",
            "GET" => "blob:download",
            "HEAD" => "blob:properties",
            "PUT" when isContainerOp => "blob:create-container",
            "PUT" when query.Contains("comp=block", StringComparison.Ordinal) => "blob:put-block",
            "PUT" => "blob:upload",
            "DELETE" when isContainerOp => "blob:delete-container",
            "DELETE" => "blob:delete",
            _ => "blob:" + method.ToLowerInvariant(),
        };
    }
}

/// <summary>An immutable reading of the counter; subtract two readings to count what happened in between.</summary>
public sealed record StorageCounts(ImmutableDictionary<string, long> ByKind)
{
    public long Total => ByKind.Values.Sum();

    public long this[string kind] => ByKind.TryGetValue(kind, out var n) ? n : 0;

    public StorageCounts Since(StorageCounts earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var diff = ByKind
            .Select(kv => (kv.Key, Value: kv.Value - earlier[kv.Key]))
            .Where(kv => kv.Value != 0)
            .ToImmutableDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new StorageCounts(diff);
    }

    public override string ToString() =>
        $"{Total} requests ({string.Join(", ", ByKind.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))})";
}
