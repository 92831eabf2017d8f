using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Insights;

/// <summary>The computed ISO weeks; groups under the minimum size are absent.</summary>
public sealed record InsightsResponse(IReadOnlyList<string> Topics, IReadOnlyList<InsightWeekResult> Weeks);

public sealed class InsightsFunctions(InsightsService insights, SecurityLog securityLog)
{
    [Function(nameof(ComputeInsights))]
    public Task ComputeInsights([TimerTrigger(TimerSchedules.Insights)] TimerInfo timer, CancellationToken cancellationToken) =>
        insights.RunAsync(cancellationToken);

    /// <summary>The owner reads the computed weeks (function key); each read is written to the security log.</summary>
    [Function(nameof(ReadInsights))]
    [ApiQuery("from", "First ISO week, e.g. 2026-W37 (default: 12 finished weeks ago).")]
    [ApiQuery("to", "Last ISO week (default: the last finished one); at most 106 weeks.")]
    [ApiResponse(200, typeof(InsightsResponse))]
    public async Task<IResult> ReadInsights(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "operator/insights")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var weeks = await insights.ReadAsync(request.Query, cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.OperatorAction, null, request, "read-insights", cancellationToken);
        return TypedResults.Ok(new InsightsResponse(insights.Topics, weeks));
    }
}
