using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Functions.Backups;

public static class BackupsRegistration
{
    /// <summary>The nightly backup of every table, the restore, and the backups container in the personal-data registry.</summary>
    public static IServiceCollection AddBackups(this IServiceCollection services)
    {
        services.AddOptions<BackupOptions>().BindConfiguration(BackupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<BackupService>();
        services.TryAddSingleton<RestoreService>();
        services.AddPersonalDataStore<BackupStore>();
        return services;
    }
}
