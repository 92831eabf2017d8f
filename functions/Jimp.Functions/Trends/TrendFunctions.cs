using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Trends;

/// <summary>The answer of <c>GET /api/trends</c>.</summary>
public sealed record TrendsResponse(bool Configured, IReadOnlyList<TrendEntry> Items);

public sealed class TrendFunctions(TrendService trends, IOptions<TrendsOptions> options)
{
    [Function(nameof(RefreshTrends))]
    public Task RefreshTrends([TimerTrigger(TimerSchedules.TrendsRefresh)] TimerInfo timer, CancellationToken cancellationToken) =>
        trends.RefreshAsync(cancellationToken);

    /// <summary>Current trends for a country, optionally a niche and a kind: <c>?country=FR&amp;niche=beauty&amp;kind=hashtags</c>.</summary>
    [Function(nameof(GetTrends))]
    [ApiQuery("country", "ISO 3166-1 alpha-2, e.g. FR.", Required = true)]
    [ApiQuery("niche", "A niche id from /api/profile/options.")]
    [ApiQuery("kind", "One kind of trend; all kinds without it.", Values = [TrendKinds.Hashtags, TrendKinds.Songs, TrendKinds.Products, TrendKinds.Keywords])]
    [ApiQuery("period", "Days (one of Trends:Periods, 7 by default).")]
    [ApiResponse(200, typeof(TrendsResponse))]
    public async Task<IResult> GetTrends(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trends")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var query = TrendQueryParser.Parse(request.Query, options.Value);
        var items = await trends.GetAsync(query, cancellationToken);
        return TypedResults.Ok(new TrendsResponse(options.Value.IsConfigured, items));
    }
}
