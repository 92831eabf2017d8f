using Jimp.Functions.Coaching;

namespace Jimp.Functions.Trends;

/// <summary>The coach's view of the stored trends: the same service GET /api/trends reads.</summary>
public sealed class TrendReader(TrendService trends) : ITrendReader
{
    public async Task<IReadOnlyList<TrendItem>> TopForAsync(string country, IReadOnlyList<string> nicheIds, int max, CancellationToken cancellationToken)
    {
        var entries = await trends.TopForAsync(country, nicheIds, max, cancellationToken);
        return entries.Select(e => new TrendItem(e.Kind, e.Name, e.Rank, e.Country, e.PeriodDays, e.FetchedAt, e.Metric, e.MetricName, null, e.Source)).ToList();
    }
}
