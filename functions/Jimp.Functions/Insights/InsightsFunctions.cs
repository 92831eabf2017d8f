using Jimp.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Insights;

public sealed class InsightsFunctions(InsightsService insights, SecurityLog securityLog)
{
    [Function(nameof(ComputeInsights))]
    public Task ComputeInsights([TimerTrigger("%Insights:Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        insights.RunAsync(cancellationToken);

    /// <summary>The owner reads the computed weeks (function key); each read is written to the security log.</summary>
    [Function(nameof(ReadInsights))]
    public async Task<IResult> ReadInsights(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "operator/insights")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var weeks = await insights.ReadAsync(request.Query, cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.OperatorAction, null, request, "read-insights", cancellationToken);
        return TypedResults.Ok(new { topics = insights.Topics, weeks });
    }
}
