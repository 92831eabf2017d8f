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

    public static readonly System.Diagnostics.ActivitySource Source = new(SourceName);

    /// <summary>
    /// Traces, metrics and logs go to Application Insights only when its connection string is configured;
    /// otherwise nothing leaves the machine. JIMP's spans carry ids, never an e-mail, a message or a token.
    /// </summary>
    public static IServiceCollection AddJimpTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var otel = services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(SourceName))
            .WithMetrics(m => m.AddMeter(SourceName));
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // Application Insights has local auth off in Azure: the exporter signs in with the managed identity.
            var useEntraId = !string.IsNullOrWhiteSpace(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
            otel.UseAzureMonitorExporter(o =>
            {
                o.ConnectionString = connectionString;
                if (useEntraId)
                {
                    o.Credential = new Azure.Identity.DefaultAzureCredential();
                }
            });
        }
        return services;
    }
}
