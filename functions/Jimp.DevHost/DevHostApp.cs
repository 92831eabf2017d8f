using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.Extensions.Configuration.Memory;
using Jimp.Functions.Platform.Web;

namespace Jimp.DevHost;

/// <summary>
/// The local host: the same function classes and the same <c>AddJimp</c> registration as the deployed app,
/// served by Kestrel on http://127.0.0.1:7071 (or <c>JIMP_PORT</c>), with timers, the in-process durable
/// engine, Azurite and the built web app. For local use and tests only; nothing of it is deployed.
/// </summary>
public static class DevHostApp
{
    public const int DefaultPort = 7071;

    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="configure">Changes before the app is built (tests: settings, fake clock).</param>
    /// <param name="functions">The functions to host; JIMP's own by default (tests add probes of their own).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, IReadOnlyList<FunctionDescriptor>? functions = null)
    {
        functions ??= FunctionCatalog.Jimp;
        // Options are read and validated once at start, so nothing needs to watch the appsettings files. Each watcher
        // is an inotify instance (this app's host and the Durable Task engine's own host each made one), and a test run
        // with dozens of hosts alive at once reached Linux's limit of 128. The engine builds its host itself, so the
        // setting goes through the environment, where every .NET host reads it.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // JIMP_PORT (environment or --JIMP_PORT=) moves the app, so it moves the default public URL with it: e-mail
        // links and the Origin check follow. An explicit App:PublicBaseUrl (a proxy, a tunnel) still wins.
        var port = builder.Configuration["JIMP_PORT"] is { Length: > 0 } p ? int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) : DefaultPort;
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { [$"{AppOptions.Section}:{nameof(AppOptions.PublicBaseUrl)}"] = $"http://127.0.0.1:{port}" },
        });
        // The built web app, served by the same function as in Azure (Platform/Web/WebApp.cs): web/dist of the repository.
        if (TryWebDist(builder.Environment.ContentRootPath) is { } dist)
        {
            builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = new Dictionary<string, string?> { [$"{WebOptions.Section}:{nameof(WebOptions.Root)}"] = dist } });
        }
        // The timers' schedules from their one definition (Bicep loads the same file); any configured value wins.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = TimerSchedules.Defaults.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)) });
        builder.Services.AddOptions<DevHostOptions>().BindConfiguration(DevHostOptions.Section);
        // The keyed-hash key locally: generated on first run into the git-ignored .jimp/ (KeyedHash:Key, when set, wins).
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyedHash:KeyFile"] = builder.Configuration["KeyedHash:KeyFile"] ?? Path.Combine(Azurite.FindRepositoryRoot(builder.Environment.ContentRootPath), ".jimp", "keyed-hash.key"),
        });

        // Drafts of the next policy versions, read from a folder (local only): the deployed app serves the embedded ones.
        if (builder.Configuration[$"{DevHostOptions.Section}:{nameof(DevHostOptions.PolicyDraftsDirectory)}"] is { Length: > 0 } drafts && Directory.Exists(drafts))
        {
            var documents = Jimp.Functions.Privacy.PolicyDocuments.Embedded.Versions.SelectMany(v => v.ByLanguage.Values)
                .Concat(Directory.GetFiles(drafts, "*.md").Select(f => Jimp.Functions.Privacy.PolicyDocuments.Parse(File.ReadAllText(f))));
            builder.Services.AddSingleton(new Jimp.Functions.Privacy.PolicyDocuments(documents));
            // Drafts of the next CGU versions, in its terms/ subfolder.
            if (Path.Combine(drafts, "terms") is var termsDrafts && Directory.Exists(termsDrafts))
            {
                var terms = Jimp.Functions.Privacy.PolicyDocuments.EmbeddedTerms.Versions.SelectMany(v => v.ByLanguage.Values)
                    .Concat(Directory.GetFiles(termsDrafts, "*.md").Select(f => Jimp.Functions.Privacy.PolicyDocuments.Parse(File.ReadAllText(f))));
                builder.Services.AddSingleton(new Jimp.Functions.Privacy.TermsDocuments(new Jimp.Functions.Privacy.PolicyDocuments(terms)));
            }
        }
        builder.Services.AddJimp(builder.Configuration);
        builder.Services.AddSingleton(new HostedFunctions(functions));
        builder.Services.AddDurableFunctions(functions);
        builder.Services.AddSingleton<TimerFunctions>();
        builder.Services.AddHttpClient<DevMailbox>((sp, http) => http.BaseAddress = sp.GetRequiredService<IOptions<DevHostOptions>>().Value.MailboxUrl);
        builder.Services.AddHostedService<TimerScheduler>();
        // Azurite must be up before anything else starts.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, AzuriteService>());

        configure?.Invoke(builder);
        var scopedPrefixes = builder.Configuration.GetValue<bool>($"{DevHostOptions.Section}:{nameof(DevHostOptions.ScopedStoragePrefixes)}");
        if (scopedPrefixes)
        {
            builder.Services.AddScopedStoragePrefixes();
        }

        var app = builder.Build();
        var errorLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Jimp.DevHost");
        if (scopedPrefixes)
        {
            // Tests sharing this host: each request works under the storage prefix of the test that sent it.
            app.Use(async (context, next) =>
            {
                if (context.Request.Headers[ScopedStoragePrefix.Header] is [{ } prefix] && ScopedStoragePrefix.IsValid(prefix))
                {
                    ScopedStoragePrefix.Use(prefix);
                }
                await next(context);
            });
        }
        // The same answer as the Functions worker middleware gives: every exception becomes problem+json.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex)
            {
                await Problems.WriteAsync(context, ex, errorLogger);
            }
        });
        app.UseSecurityHeaders();
        app.MapHttpFunctions(functions);
        app.MapAdmin(functions);
        app.MapGet("/dev/mailbox", async (string? to, DevMailbox mailbox, CancellationToken ct) => TypedResults.Ok(await mailbox.ReadAsync(to, ct)));
        return app;
    }

    private static void MapAdmin(this WebApplication app, IReadOnlyList<FunctionDescriptor> functions)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(async (context, next) =>
        {
            var key = context.HttpContext.RequestServices.GetRequiredService<IOptions<DevHostOptions>>().Value.FunctionKey;
            return context.HttpContext.Request.Headers["x-functions-key"] == key
                ? await next(context)
                : throw new ProblemException(401, "Function key required.", "The admin endpoints need the key in the x-functions-key header.");
        });
        admin.MapGet("/functions", () => functions.Select(f => new
        {
            name = f.Name,
            trigger = f.Kind.ToString().ToLowerInvariant(),
            route = f.Kind == TriggerKind.Http ? "/" + f.Route : null,
            methods = f.Kind == TriggerKind.Http ? f.HttpMethods : null,
        }));
        // Like the Functions host's admin endpoint: runs a non-HTTP function now. The DevHost waits for the
        // run to finish before answering 202, so scripts and tests can chain on it.
        admin.MapPost("/functions/{name}", async (string name, TimerFunctions timers, CancellationToken ct) =>
        {
            var timer = functions.FirstOrDefault(f => f.Kind == TriggerKind.Timer && string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ProblemException(404, "Not found.", "No timer function has that name.");
            await timers.RunAsync(timer, isPastDue: false, ct);
            return TypedResults.Accepted((string?)null);
        });
    }

    /// <summary>Every answer carries the security headers, as in Azure (the worker's SecurityHeadersMiddleware).</summary>
    private static void UseSecurityHeaders(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            SecurityHeaders.Apply(context.Response.Headers);
            await next();
        });

    private static string? TryWebDist(string contentRoot)
    {
        try
        {
            return Path.Combine(Azurite.FindRepositoryRoot(contentRoot), "web", "dist");
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}

/// <summary>The functions this DevHost serves.</summary>
public sealed record HostedFunctions(IReadOnlyList<FunctionDescriptor> All);
