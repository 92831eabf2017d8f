namespace Jimp.Functions.Trends;

/// <summary>
/// The four kinds of trend JIMP keeps — the one list the API (<c>kind=</c>), the stored snapshots, the coach and the
/// workspace use — and how each is asked of the Creative Center (path, list key, page size, query). Every query
/// parameter named here must be in <see cref="CreativeCenterAllowlist"/>.
/// </summary>
public static class TrendKinds
{
    public const string Hashtags = "hashtags";
    public const string Songs = "songs";
    public const string Products = "products";
    public const string Keywords = "keywords";

    public static IReadOnlyList<string> All { get; } = [Hashtags, Songs, Products, Keywords];

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);

    /// <summary>
    /// The kind as this list names it: the coach once had its own singular kinds (<c>hashtag</c>, <c>song</c>…), and a
    /// conversation's trends pinned for the day may still carry one.
    /// </summary>
    public static string Normalize(string kind) => kind switch
    {
        "hashtag" => Hashtags,
        "song" => Songs,
        "product" => Products,
        "keyword" => Keywords,
        _ => kind,
    };

    public static TrendEndpoint EndpointFor(string kind) => kind switch
    {
        Hashtags => new TrendEndpoint(kind, "popular_trend/hashtag/list", "list", PageSize: 50, Periods: [7, 30, 120], IndustryParameter: "industry_id"),
        Songs => new TrendEndpoint(kind, "popular_trend/sound/rank_list", "sound_list", PageSize: 20, Periods: [7, 30, 120], IndustryParameter: null),
        Products => new TrendEndpoint(kind, "product/list", "list", PageSize: 20, Periods: [7, 30], IndustryParameter: null),
        Keywords => new TrendEndpoint(kind, "script/keyword/list", "list", PageSize: 20, Periods: [7, 30, 120], IndustryParameter: "industry"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown trend kind."),
    };

    /// <summary>What a snapshot's metric counts, per kind (songs have a rank only).</summary>
    public static string? MetricNameFor(string kind) => kind switch
    {
        Songs => null,
        _ => "posts",
    };
}

/// <param name="Kind">One of <see cref="TrendKinds.All"/>.</param>
/// <param name="Path">Relative to <c>Trends:BaseUrl</c>.</param>
/// <param name="ListKey">The array under <c>data</c> (<c>sound_list</c> for songs).</param>
/// <param name="PageSize">The <c>limit</c> asked per page (the API's maximum for that list).</param>
/// <param name="Periods">The periods (days) the endpoint knows.</param>
/// <param name="IndustryParameter">The parameter that filters by industry, when the endpoint has one.</param>
public sealed record TrendEndpoint(string Kind, string Path, string ListKey, int PageSize, IReadOnlyList<int> Periods, string? IndustryParameter)
{
    public bool Supports(int period) => Periods.Contains(period);

    /// <summary>The query of one page: only non-personal parameters (country, period, industry, page, sort).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> QueryFor(string country, int period, string? industryId, int page, int limit)
    {
        var p = Inv(page);
        var l = Inv(limit);
        var d = Inv(period);
        List<KeyValuePair<string, string>> query = Kind switch
        {
            TrendKinds.Hashtags => [new("page", p), new("limit", l), new("period", d), new("country_code", country), new("sort_by", "popular")],
            TrendKinds.Songs => [new("period", d), new("page", p), new("limit", l), new("rank_type", "popular"), new("country_code", country)],
            TrendKinds.Products => [new("last", d), new("page", p), new("limit", l), new("country_code", country), new("ecom_type", "l3"), new("period_type", "last"), new("order_by", "post"), new("order_type", "desc")],
            TrendKinds.Keywords => [new("page", p), new("limit", l), new("period", d), new("country_code", country), new("order_by", "post"), new("order_type", "desc")],
            _ => throw new InvalidOperationException("Unknown trend kind."),
        };
        if (industryId is not null && IndustryParameter is not null)
        {
            query.Add(new(IndustryParameter, industryId));
        }
        return query;
    }

    private static string Inv(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
