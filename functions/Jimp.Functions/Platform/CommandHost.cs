using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jimp.Functions.Platform;

/// <summary>
/// The host of JIMP's command-line tools (<c>scripts/import-trends.sh</c>, <c>scripts/restore-backup.sh</c>): the app's
/// own registration (<c>AddJimp</c>) on the tool's configuration — its settings file next to the executable, then
/// environment variables (<c>Storage__TableServiceUri</c>, <c>KeyedHash__Key</c>… in Azure), then the caller's
/// settings (tests). No host defaults; warnings and errors go to standard error, standard output stays the tool's.
/// </summary>
public static class CommandHost
{
    /// <param name="settingsFile">The tool's settings file name, looked for in <see cref="AppContext.BaseDirectory"/>.</param>
    /// <param name="settings">Settings that win over the file and the environment (tests), or null.</param>
    /// <param name="configure">Last look at the configuration before the services are registered (defaults that
    /// depend on what the other sources said), or null.</param>
    public static HostApplicationBuilder CreateBuilder(string settingsFile, IEnumerable<KeyValuePair<string, string?>>? settings, Action<ConfigurationManager>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(settingsFile);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, settingsFile), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(settings ?? []);
        configure?.Invoke(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddJimp(builder.Configuration);
        return builder;
    }
}
