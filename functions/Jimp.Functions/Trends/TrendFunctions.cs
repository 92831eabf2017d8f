using Jimp.Functions.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Trends;

/// <summary>The answer of <c>GET /api/trends</c>.</summary>
public sealed record TrendsResponse(bool Configured, IReadOnlyList<TrendEntry> Items);

public sealed class TrendFunctions(TrendService trends, SessionAuth auth, IOptions<TrendsOptions> options)
{
    [Function(nameof(RefreshTrends))]
    public Task RefreshTrends([TimerTrigger("%Trends:RefreshSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        trends.RefreshAsync(cancellationToken);

    /// <summary>Current trends for a country, optionally a niche and a kind: <c>?country=FR&amp;niche=beauty&amp;kind=hashtags</c>.</summary>
    [Function(nameof(GetTrends))]
    public async Task<IResult> GetTrends(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trends")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        await auth.RequireUserAsync(request, cancellationToken);
        var query = TrendQueryParser.Parse(request.Query, options.Value);
        var items = await trends.GetAsync(query, cancellationToken);
        return TypedResults.Ok(new TrendsResponse(options.Value.IsConfigured, items));
    }
}
