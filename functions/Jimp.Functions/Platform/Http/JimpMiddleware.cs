using Jimp.Functions.Accounts;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Hosting;

namespace Jimp.Functions.Platform.Http;

public static class JimpMiddleware
{
    /// <summary>
    /// The worker middleware, in order: the security headers on every answer, problems next (so a refused sign-in is problem+json too), then
    /// authentication (deny by default). The DevHost does the same two steps in the same order.
    /// </summary>
    public static IFunctionsWorkerApplicationBuilder UseJimpMiddleware(this IFunctionsWorkerApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseMiddleware<SecurityHeadersMiddleware>();
        builder.UseMiddleware<ProblemDetailsMiddleware>();
        builder.UseMiddleware<AuthenticationMiddleware>();
        return builder;
    }
}
