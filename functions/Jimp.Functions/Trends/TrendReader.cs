using Jimp.Functions.Coaching;

namespace Jimp.Functions.Trends;

/// <summary>The coach's view of the stored trends: the same service GET /api/trends reads.</summary>
public sealed class TrendReader(TrendService trends) : ITrendReader
{
    public async Task<IReadOnlyList<TrendItem>> TopForAsync(string country, IReadOnlyList<string> nicheIds, int max, CancellationToken cancellationToken)
    {
        var entries = await trends.TopForAsync(country, nicheIds, max, cancellationToken);
        return entries.Select(e => new TrendItem(Singular(e.Kind), e.Name, e.Rank, e.Country, e.PeriodDays, e.FetchedAt, e.Metric, e.MetricName, null, e.Source)).ToList();
    }

    /// <summary>The stored kinds are plural (hashtags, songs...); the coach's are singular.</summary>
    private static string Singular(string kind) => kind switch
    {
        TrendKinds.Hashtags => Coaching.TrendKinds.Hashtag,
        TrendKinds.Songs => Coaching.TrendKinds.Song,
        TrendKinds.Products => Coaching.TrendKinds.Product,
        TrendKinds.Keywords => Coaching.TrendKinds.Keyword,
        _ => kind.TrimEnd('s'),
    };
}
