using Jimp.Functions.Accounts;
using Jimp.Functions.Backups;
using Jimp.Functions.Coaching;
using Jimp.Functions.Insights;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform.Web;
using Jimp.Functions.Operators;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Retention;
using Jimp.Functions.Privacy;
using Jimp.Functions.Trends;
using Jimp.Functions.Workspace;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Functions.Platform;

public static class JimpServiceCollectionExtensions
{
    /// <summary>Everything JIMP needs, registered once: used by the Functions host and by the DevHost alike.</summary>
    public static IServiceCollection AddJimp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AppOptions>().BindConfiguration(AppOptions.Section)
            .PostConfigure(o => AppOptions.Resolve(o, configuration["WEBSITE_HOSTNAME"]))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ClientAddressOptions>().BindConfiguration(ClientAddressOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();

        // One credential for storage, Azure OpenAI and the telemetry exporter (tests may register their own first).
        var credential = AzureCredentials.Create(configuration);
        services.TryAddSingleton<Azure.Core.TokenCredential>(credential);
        services.AddJimpStorage();
        services.AddKeyedHash();
        services.AddJimpTelemetry(configuration, credential);
        services.AddSingleton<HealthService>();
        services.AddAccounts();
        services.AddPrivacyRights();
        services.AddMailings();

        services.AddCoaching();
        services.AddTrends();
        services.AddRetention();
        services.AddInsights();
        services.AddWorkspace();
        services.AddWebApp();
        services.AddOperatorConsole();
        services.AddBackups();
        return services;
    }
}
