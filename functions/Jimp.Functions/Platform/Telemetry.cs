using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Jimp.Functions.Platform;

public static class Telemetry
{
    /// <summary>The name of JIMP's own ActivitySource and Meter.</summary>
    public const string SourceName = "Jimp";

    /// <summary>The source of the model calls' spans and token metrics (Microsoft.Extensions.AI's <c>UseOpenTelemetry</c>).</summary>
    public const string ModelSourceName = "Jimp.Model";

    public static readonly System.Diagnostics.ActivitySource Source = new(SourceName);

    /// <summary>
    /// Traces, metrics and logs go to Application Insights only when its connection string is configured;
    /// otherwise nothing leaves the machine. Spans: the function invocations (incoming HTTP, timers, Durable, from
    /// the worker's OpenTelemetry defaults in Program.cs), every outgoing HTTP call (the trend source, SMTP is not
    /// HTTP), Azure Storage (the Azure SDK's own ActivitySources) and the model (gen_ai spans). JIMP's spans carry
    /// ids, never an e-mail, a message or a token; query strings are not recorded by the HTTP instrumentation.
    /// </summary>
    public static IServiceCollection AddJimpTelemetry(this IServiceCollection services, IConfiguration configuration, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // The Azure SDK (Tables, Blobs) emits its spans only with this switch on.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var otel = services.AddOpenTelemetry()
            .WithTracing(t => t
                .AddSource(SourceName, ModelSourceName, "Azure.Data.Tables.*", "Azure.Storage.Blobs.*")
                .AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddMeter(SourceName, ModelSourceName).AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // Application Insights has local auth off in Azure: the exporter signs in with the managed identity.
            var useEntraId = !string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
            otel.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connectionString;
                if (useEntraId)
                {
                    o.Credential = credential ?? AzureCredentials.Create(configuration);
                }
            });
        }
        return services;
    }
}
