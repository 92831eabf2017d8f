using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Functions.Retention;

public static class RetentionRegistration
{
    /// <summary>Month-sharded log tables and their expiry, inactivity, housekeeping.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<MonthlyLogTables>();
        services.TryAddSingleton<LogExpiryService>();
        services.TryAddSingleton<Inactivity>();
        services.AddSingleton<Mailings.IMailingKind, InactivityWarnings>();
        services.TryAddSingleton<Housekeeping>();
        services.AddNonPersonalStore("technicallog{yyyyMM}", "Reserved technical-log family covered by log expiry; no app code writes to it today.");
        return services;
    }
}
