using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Jimp.Functions.Trends;

/// <summary>Why a list could not be fetched. Logged as a kind and a number, never with the payload.</summary>
/// <param name="Kind"><c>api-error</c>, <c>http-status</c>, <c>timeout</c>, <c>network</c>, <c>not-json</c>, <c>unexpected-shape</c>, <c>empty</c>, <c>circuit-open</c>, <c>too-large</c>.</param>
/// <param name="Code">The HTTP status or the API's <c>code</c>, when there is one.</param>
public sealed record TrendFetchFailure(string Kind, int? Code = null);

/// <summary>A whole list, or why not.</summary>
public sealed record TrendFetchResult(IReadOnlyList<TrendSnapshotItem>? Items, TrendFetchFailure? Failure, int Pages)
{
    public bool Succeeded => Failure is null && Items is not null;
}

/// <summary>
/// The Creative Center client: a typed HttpClient with the standard resilience handler (retries on 429, 5xx
/// and timeouts only) and the allowlist handler. It reads pages until <c>has_more</c> is false or enough items
/// came, and succeeds only when every page did: any failure makes the whole list a failure.
/// </summary>
public sealed class CreativeCenterClient(HttpClient http, Microsoft.Extensions.Options.IOptions<TrendsOptions> options)
{
    public const string HttpClientName = "creative-center";

    public async Task<TrendFetchResult> FetchAsync(TrendSnapshotKey key, int maxItems, int maxPages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var endpoint = TrendKinds.EndpointFor(key.Kind);
        var items = new List<TrendSnapshotItem>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var position = 0;
        var page = 1;
        for (; page <= maxPages && items.Count < maxItems; page++)
        {
            var limit = Math.Min(endpoint.PageSize, maxItems);
            var query = endpoint.QueryFor(key.Country, key.Period, key.IndustryId, page, limit);
            var (list, hasMore, failure) = await GetPageAsync(endpoint, query, cancellationToken);
            if (failure is not null)
            {
                return new TrendFetchResult(null, failure, page);
            }
            if (list!.Count == 0 && (page == 1 || hasMore))
            {
                // An empty first page, or an empty page that says more follow, is a degraded answer, not a list.
                return new TrendFetchResult(null, new TrendFetchFailure("empty"), page);
            }
            foreach (var element in list)
            {
                position++;
                if (CreativeCenterMapper.Map(key.Kind, element, position) is { } item && seen.Add(item.Name) && items.Count < maxItems)
                {
                    items.Add(item);
                }
            }
            if (!hasMore)
            {
                break;
            }
        }
        return items.Count == 0
            ? new TrendFetchResult(null, new TrendFetchFailure("empty"), page)
            : new TrendFetchResult(items.OrderBy(i => i.Rank).ToList(), null, Math.Min(page, maxPages));
    }

    private async Task<(List<JsonElement>? List, bool HasMore, TrendFetchFailure? Failure)> GetPageAsync(
        TrendEndpoint endpoint, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var uri = QueryHelpers.AddQueryString(endpoint.Path, query.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)));
        string body;
        try
        {
            using var response = await http.GetAsync(new Uri(uri, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, false, new TrendFetchFailure("http-status", (int)response.StatusCode));
            }
            var max = options.Value.MaxResponseBytes;
            if (response.Content.Headers.ContentLength > max) return (null, false, new TrendFetchFailure("too-large"));
            var read = await ReadAtMostAsync(response.Content, max, cancellationToken);
            if (read is null) return (null, false, new TrendFetchFailure("too-large"));
            body = read;
        }
        catch (TimeoutRejectedException)
        {
            return (null, false, new TrendFetchFailure("timeout"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, false, new TrendFetchFailure("timeout"));
        }
        catch (BrokenCircuitException)
        {
            return (null, false, new TrendFetchFailure("circuit-open"));
        }
        catch (HttpRequestException ex)
        {
            return (null, false, new TrendFetchFailure("network", ex.StatusCode is { } s ? (int)s : null));
        }
        catch (IOException)
        {
            return (null, false, new TrendFetchFailure("network"));
        }
        return Parse(endpoint, body);
    }

    /// <summary>The body as text, or null past <paramref name="max"/> bytes (read no further than that, whatever the server sends).</summary>
    private static async Task<string?> ReadAtMostAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > max) return null;
            buffer.Write(chunk, 0, n);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads the envelope <c>{"code":0,"msg":"OK","data":{"list":[...],"pagination":{"has_more":...}}}</c>.</summary>
    internal static (List<JsonElement>? List, bool HasMore, TrendFetchFailure? Failure) Parse(TrendEndpoint endpoint, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            // An HTML error page, a truncated body: either way not the API's answer.
            return (null, false, new TrendFetchFailure("not-json"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.Number)
            {
                return (null, false, new TrendFetchFailure("unexpected-shape"));
            }
            if (!code.TryGetInt32(out var codeValue) || codeValue != 0)
            {
                return (null, false, new TrendFetchFailure("api-error", code.TryGetInt32(out var c) ? c : null));
            }
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || !data.TryGetProperty(endpoint.ListKey, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return (null, false, new TrendFetchFailure("unexpected-shape"));
            }
            var hasMore = data.TryGetProperty("pagination", out var pagination) && pagination.ValueKind == JsonValueKind.Object
                && pagination.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
            // Clone: the elements outlive the document.
            return (list.EnumerateArray().Select(e => e.Clone()).ToList(), hasMore, null);
        }
    }
}
