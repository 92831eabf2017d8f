using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Platform;

/// <summary>Settings of the app as a whole (section <c>App</c>).</summary>
public sealed class AppOptions
{
    public const string Section = "App";

    /// <summary>The web app's origin: links in e-mails point there, and state-changing requests must come from it.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>Shown by <c>/api/health</c>; defaults to the assembly's informational version.</summary>
    public string? Version { get; set; }
}
