using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Platform;

public sealed class HealthFunctions(HealthService health)
{
    [Function(nameof(Health))]
    [PublicEndpoint("Liveness for operators and uptime checks; it says nothing about any user.")]
    [ApiResponse(200, typeof(HealthReport))]
    [ApiResponse(503, typeof(HealthReport), Description = "Storage is down.")]
    public async Task<IResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        return TypedResults.Json(report, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
