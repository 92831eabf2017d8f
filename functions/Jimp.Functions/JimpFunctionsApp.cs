using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions;

/// <summary>
/// How the deployable worker is put together; Program.cs calls it, and the worker tests build the same host
/// through it (so removing the problem+json middleware or a registration here fails a test).
/// </summary>
public static class JimpFunctionsApp
{
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        // problem+json for every failure, then deny-by-default authentication (Platform/Http/JimpMiddleware.cs).
        builder.UseJimpMiddleware();
        builder.Services.AddJimp(builder.Configuration);
        // Function invocation spans (incoming HTTP, timers, Durable) joined to the host's traces.
        builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults();
        return builder;
    }
}
