using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Jimp.Functions.Platform.Http;

/// <summary>
/// The headers on everything the app serves, the web app and the API alike (the function app serves both, on one
/// origin; the DevHost applies the same ones). The policy allows nothing but the app's own origin.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static void Apply(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        // Ignored by browsers over plain http (the DevHost); in Azure every answer is https.
        headers.StrictTransportSecurity = "max-age=63072000; includeSubDomains";
    }
}

/// <summary>The worker middleware that puts <see cref="SecurityHeaders"/> on every HTTP answer, whatever wrote it.</summary>
public sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http)
        {
            http.Response.OnStarting(() =>
            {
                SecurityHeaders.Apply(http.Response.Headers);
                return Task.CompletedTask;
            });
        }
        return next(context);
    }
}
