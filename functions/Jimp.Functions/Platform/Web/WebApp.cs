using System.ComponentModel.DataAnnotations;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Jimp.Functions.Platform.Web;

/// <summary>Where the built web app is (section <c>Web</c>).</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>
    /// The folder of the built web app. Default: <c>wwwroot</c> beside the worker, where the publish output puts
    /// <c>web/dist</c> (Jimp.Functions.csproj); the DevHost points it at web/dist.
    /// </summary>
    public string? Root { get; set; }
}

/// <summary>
/// The web app (web/dist), served by the function app itself: same origin as the API, so no proxy between the
/// browser and a chat turn (a Static Web Apps linked backend does not support Flex Consumption and cuts proxied
/// requests at 45 s; see docs/deploy.md), no CORS, and the session cookie stays first-party.
/// <list type="bullet">
/// <item>Files under <c>assets/</c> carry a content hash in their name: cached for a year, immutable.</item>
/// <item>Everything else (<c>index.html</c>) is revalidated on each load (<c>no-cache</c> + ETag), so a deployment
/// is picked up at the next page load.</item>
/// <item>A path without an extension is a page of the app: <c>index.html</c> (the app routes by hash, so this is
/// only for links typed by hand). A missing file with an extension is a 404 problem; <c>/api/…</c> never lands
/// here (an unknown API route is a 404 problem, as everywhere else).</item>
/// </list>
/// </summary>
/// <summary>One file of the web app to send, with how long it may be cached.</summary>
public sealed record WebFile(IFileInfo File, string ContentType, string CacheControl, EntityTagHeaderValue ETag);

public sealed class WebApp(IOptions<WebOptions> options)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly Lazy<IFileProvider?> files = new(() => Open(options.Value.Root ?? Path.Combine(AppContext.BaseDirectory, "wwwroot")));

    /// <summary>The file answering a request path (<c>/</c>, <c>/assets/index-1a2b.js</c>), or a problem.</summary>
    public WebFile Find(string? requestPath)
    {
        var path = (requestPath ?? "/").TrimStart('/');
        if (path == "api" || path.StartsWith("api/", StringComparison.Ordinal))
        {
            throw new ProblemException(404, "Not found.", "No API route matches this path.") { Code = "no-route" };
        }
        var root = files.Value ?? throw new ProblemException(503, "The web app is not deployed.", "The function app has no built web app (wwwroot). Build web/ and deploy again.") { Code = "web-not-deployed" };
        if (path.Length == 0 || path.EndsWith('/')) path += "index.html";
        var file = root.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory)
        {
            if (Path.HasExtension(path))
            {
                throw new ProblemException(404, "Not found.", "No file of the web app has this name.") { Code = "not-found" };
            }
            path = "index.html";
            file = root.GetFileInfo(path);
            if (!file.Exists) throw new ProblemException(503, "The web app is not deployed.", "The built web app has no index.html.") { Code = "web-not-deployed" };
        }

        var cacheControl = path.StartsWith("assets/", StringComparison.Ordinal) ? "public, max-age=31536000, immutable" : "no-cache";
        var contentType = ContentTypes.TryGetContentType(path, out var type) ? type : "application/octet-stream";
        if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType is "application/javascript" or "text/javascript" or "application/json")
        {
            contentType += "; charset=utf-8";
        }
        return new WebFile(file, contentType, cacheControl, new EntityTagHeaderValue($"\"{file.LastModified.UtcTicks:x}-{file.Length:x}\""));
    }

    private static PhysicalFileProvider? Open(string root) =>
        Directory.Exists(root) ? new PhysicalFileProvider(Path.GetFullPath(root)) : null;
}

/// <summary>The one function that serves the web app; every other route starts with <c>api/</c>.</summary>
public sealed class WebAppFunctions(WebApp web)
{
    [Function(nameof(WebAppFile))]
    [PublicEndpoint("The web app's own files: the sign-in page must load before anyone is signed in.")]
    public IResult WebAppFile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "{*path}")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var found = web.Find(request.Path.Value);
        request.HttpContext.Response.Headers.CacheControl = found.CacheControl;
        // TypedResults.File answers If-None-Match / If-Modified-Since with 304 and HEAD without a body.
        return TypedResults.File(found.File.CreateReadStream(), found.ContentType, lastModified: found.File.LastModified, entityTag: found.ETag);
    }
}

public static class WebRegistration
{
    public static IServiceCollection AddWebApp(this IServiceCollection services)
    {
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section);
        services.AddSingleton<WebApp>();
        return services;
    }
}
