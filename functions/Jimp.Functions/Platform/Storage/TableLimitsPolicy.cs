using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Jimp.Functions.Platform.Storage;

/// <summary>A request that Azure Table Storage would refuse; thrown before anything is sent.</summary>
public sealed class TableLimitException(string message) : InvalidOperationException(message);

/// <summary>
/// Enforces the Azure Table limits that Azurite does not: at most 100 operations in one partition and under
/// 4 MiB per batch, entities under 1 MiB, keys of at most 1 KiB without <c>/ \ # ?</c> or control characters.
/// It runs first in the table pipeline, so a violation never reaches the wire (nor the request counter).
/// </summary>
public sealed partial class TableLimitsPolicy : HttpPipelineSynchronousPolicy
{
    public const int MaxBatchOperations = 100;
    public const long MaxBatchBytes = 4L * 1024 * 1024;
    public const long MaxEntityBytes = 1024 * 1024;
    public const int MaxKeyBytes = 1024;

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Check(message.Request, message.CancellationToken);
    }

    public static void Check(Request request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = Uri.UnescapeDataString(request.Uri.Path);
        foreach (var key in KeysInUrl(path))
        {
            CheckKey(key);
        }
        if (request.Content is null)
        {
            return;
        }
        using var buffer = new MemoryStream();
        request.Content.WriteTo(buffer, cancellationToken);
        if (path.EndsWith("$batch", StringComparison.Ordinal))
        {
            CheckBatch(buffer.ToArray());
        }
        else if (!path.Contains("/Tables", StringComparison.Ordinal))
        {
            CheckEntity(buffer.ToArray());
        }
    }

    /// <summary>
    /// Whether Azure accepts <paramref name="key"/> as a partition or row key. A store that looks up a key the caller
    /// sent (a route value) checks it first: a key Azure cannot hold names nothing, a 404, not a 500.
    /// </summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyBytes / 2 } && !key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    public static void CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Azure stores keys as UTF-16: 1 KiB is 512 characters.
        if (key.Length * 2 > MaxKeyBytes)
        {
            throw new TableLimitException($"A table key is {key.Length * 2} bytes; Azure allows at most {MaxKeyBytes}.");
        }
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new TableLimitException("A table key contains a character Azure forbids (/ \\ # ? or a control character).");
            }
        }
    }

    private static void CheckEntity(byte[] body)
    {
        if (body.LongLength >= MaxEntityBytes)
        {
            throw new TableLimitException($"An entity of {body.LongLength} bytes reaches Azure's 1 MiB limit.");
        }
        foreach (var key in KeysInJson(body))
        {
            CheckKey(key);
        }
    }

    private static void CheckBatch(byte[] body)
    {
        if (body.LongLength >= MaxBatchBytes)
        {
            throw new TableLimitException($"A batch of {body.LongLength} bytes reaches Azure's 4 MiB limit.");
        }
        var text = Encoding.UTF8.GetString(body);
        var operations = OperationLine().Matches(text);
        if (operations.Count > MaxBatchOperations)
        {
            throw new TableLimitException($"A batch of {operations.Count} operations exceeds Azure's limit of {MaxBatchOperations}.");
        }
        var partitions = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match op in operations)
        {
            foreach (var (pk, rk) in KeyPairsInUrl(Uri.UnescapeDataString(op.Groups["url"].Value)))
            {
                CheckKey(pk);
                CheckKey(rk);
                partitions.Add(pk);
            }
        }
        foreach (Match m in JsonKey().Matches(text))
        {
            var value = JsonSerializer.Deserialize<string>("\"" + m.Groups["value"].Value + "\"") ?? "";
            CheckKey(value);
            if (m.Groups["name"].Value == "PartitionKey")
            {
                partitions.Add(value);
            }
        }
        if (partitions.Count > 1)
        {
            throw new TableLimitException($"A batch spans {partitions.Count} partitions; Azure requires one.");
        }
        foreach (var part in text.Split("\r\n\r\n{", StringSplitOptions.None).Skip(1))
        {
            if (Encoding.UTF8.GetByteCount(part) + 1 >= MaxEntityBytes)
            {
                throw new TableLimitException("An entity in a batch reaches Azure's 1 MiB limit.");
            }
        }
    }

    private static IEnumerable<string> KeysInUrl(string path)
    {
        foreach (var (pk, rk) in KeyPairsInUrl(path))
        {
            yield return pk;
            yield return rk;
        }
    }

    private static IEnumerable<(string Pk, string Rk)> KeyPairsInUrl(string path)
    {
        var m = UrlKeys().Match(path);
        if (m.Success)
        {
            yield return (m.Groups["pk"].Value.Replace("''", "'", StringComparison.Ordinal), m.Groups["rk"].Value.Replace("''", "'", StringComparison.Ordinal));
        }
    }

    private static IEnumerable<string> KeysInJson(byte[] body)
    {
        var keys = new List<string>(2);
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "PartitionKey", "RowKey" })
                {
                    if (doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
                    {
                        keys.Add(v.GetString()!);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not an entity body: nothing to check.
        }
        return keys;
    }

    [GeneratedRegex(@"^(?:POST|PUT|PATCH|MERGE|DELETE|GET) (?<url>\S+) HTTP/1\.1\r?$", RegexOptions.Multiline)]
    private static partial Regex OperationLine();

    [GeneratedRegex(@"\(PartitionKey='(?<pk>(?:[^']|'')*)',RowKey='(?<rk>(?:[^']|'')*)'\)")]
    private static partial Regex UrlKeys();

    [GeneratedRegex(@"""(?<name>PartitionKey|RowKey)""\s*:\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex JsonKey();
}
