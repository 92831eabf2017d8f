using System.Collections.Frozen;
using Microsoft.AspNetCore.WebUtilities;

namespace Jimp.Functions.Trends;

/// <summary>
/// The one place that decides which query parameters may leave JIMP for the Creative Center: non-personal
/// ones only (country, industry, period, page, size, sort). It runs as the innermost handler of the trend
/// client, on every attempt, so nothing else can reach the wire; a request with any other parameter is
/// refused before it is sent.
/// </summary>
public sealed class CreativeCenterAllowlist : DelegatingHandler
{
    public static FrozenSet<string> Parameters { get; } = new[]
    {
        "page", "limit", "period", "country_code", "sort_by", "industry_id", "filter_by", "rank_type", "order_by",
        "order_type", "last", "ecom_type", "period_type", "first_ecom_category_id", "industry",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The parameters of <paramref name="uri"/> that are not allowed (empty when it may be sent).</summary>
    public static IReadOnlyList<string> Disallowed(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return QueryHelpers.ParseQuery(uri.Query).Keys.Where(k => !Parameters.Contains(k)).ToList();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is null || request.Method != HttpMethod.Get || Disallowed(request.RequestUri).Count > 0 || request.Content is not null)
        {
            // A programming error, never a data problem: the parameter names are not logged either way.
            throw new InvalidOperationException("A trend request carried a query parameter, a method or a body outside the allowlist; it was not sent.");
        }
        return base.SendAsync(request, cancellationToken);
    }
}
