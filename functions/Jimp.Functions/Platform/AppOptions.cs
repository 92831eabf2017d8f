using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Platform;

/// <summary>Settings of the app as a whole (section <c>App</c>).</summary>
public sealed class AppOptions
{
    public const string Section = "App";

    /// <summary>
    /// The app's public origin (the function app serves the web app and the API on it): links in e-mails point there,
    /// and state-changing requests must come from it. Empty in Azure unless a custom domain is bound: then the app's
    /// default host name, which App Service gives every app in <c>WEBSITE_HOSTNAME</c> (see <see cref="Resolve"/>).
    /// </summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>An empty <see cref="PublicBaseUrl"/> becomes <c>https://{WEBSITE_HOSTNAME}</c> when the platform sets it.</summary>
    public static void Resolve(AppOptions options, string? websiteHostName)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl) && !string.IsNullOrWhiteSpace(websiteHostName))
        {
            options.PublicBaseUrl = "https://" + websiteHostName.Trim();
        }
    }

    /// <summary>Shown by <c>/api/health</c>; defaults to the assembly's informational version.</summary>
    public string? Version { get; set; }
}
