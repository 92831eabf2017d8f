using System.Globalization;

namespace Jimp.Functions.Trends;

/// <summary>Which list a snapshot is: country × kind × period, and optionally one industry's share of it.</summary>
public sealed record TrendSnapshotKey(string Country, string Kind, int Period, string? IndustryId = null)
{
    /// <summary><c>{country}-{kind}-{period}</c>, plus <c>-{industryId}</c> for an industry's list.</summary>
    public string PartitionKey => IndustryId is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Country}-{Kind}-{Period}")
        : string.Create(CultureInfo.InvariantCulture, $"{Country}-{Kind}-{Period}-{IndustryId}");
}

/// <summary>
/// One trend item as JIMP keeps it: a rank, a name and a few numbers. Only these fields are ever stored;
/// everything else in the Creative Center's answer (creators, nick names, avatars, authors, URLs, covers) is
/// dropped by <see cref="CreativeCenterMapper"/> before anything is stored or logged.
/// </summary>
/// <param name="Rank">1 is the top.</param>
/// <param name="Name">Hashtag (without #), song title, product title or keyword.</param>
/// <param name="Metric">Posts for hashtags, products and keywords; none for songs.</param>
/// <param name="Views">Video views (hashtags) or impressions (products, keywords).</param>
/// <param name="Category">Industry (hashtags) or first-level Shop category (products).</param>
/// <param name="RankDiff">Places gained or lost.</param>
/// <param name="RankDiffType">The Creative Center's undocumented enum, kept as a number.</param>
public sealed record TrendSnapshotItem(int Rank, string Name, long? Metric = null, long? Views = null, string? Category = null, int? RankDiff = null, int? RankDiffType = null);

/// <summary>A complete list fetched (or imported) on one day.</summary>
public sealed record TrendSnapshot(TrendSnapshotKey Key, DateOnly Date, DateTimeOffset FetchedAt, string Origin, IReadOnlyList<TrendSnapshotItem> Items)
{
    public const string Source = "TikTok Creative Center";
    public const string FromApi = "api";
    public const string FromImport = "import";
}

/// <summary>
/// One trend for the coach and the API (the coach's <c>TrendItem</c> maps one to one from it).
/// </summary>
public sealed record TrendEntry(
    string Kind,
    string Name,
    int Rank,
    string Country,
    int PeriodDays,
    DateOnly Date,
    long? Metric,
    string? MetricName,
    long? Views,
    string? Category,
    DateTimeOffset FetchedAt)
{
    public string Source => TrendSnapshot.Source;
}
