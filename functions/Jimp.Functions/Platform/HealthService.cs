using System.Reflection;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Trends;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform;

public sealed record HealthReport(string Storage, string Model, string Trends, string Version, string Email = "configured")
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Healthy => Storage == "ok";
}

/// <summary>Answers "is JIMP up": storage reachable within a few seconds, which model, trend source and e-mail are configured.</summary>
public sealed class HealthService(
    JimpStorage storage,
    IOptions<ModelOptions> model,
    IOptions<TrendsOptions> trends,
    IOptions<AppOptions> app,
    Email.IEmailSender email)
{
    private static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        return new HealthReport(
            await StorageStatusAsync(cancellationToken),
            model.Value.Provider,
            trends.Value.IsConfigured ? "configured" : "not-configured",
            app.Value.Version ?? AppVersion,
            email.IsConfigured ? "configured" : "not-configured");
    }

    private async Task<string> StorageStatusAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StorageTimeout);
        try
        {
            await foreach (var _ in storage.TableService.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages(pageSizeHint: 1))
            {
                break;
            }
            return "ok";
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused, timed out, unauthorised, misconfigured: for the caller, storage does not answer.
            return "unreachable";
        }
    }

    private static readonly string AppVersion =
        typeof(HealthService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
