namespace Jimp.DevHost;

/// <summary>Settings of the local host only (section <c>DevHost</c>); nothing here is deployed.</summary>
public sealed class DevHostOptions
{
    public const string Section = "DevHost";

    /// <summary>The key operator functions (AuthorizationLevel.Function) and /admin/ need locally. Not a secret: local only.</summary>
    public string FunctionKey { get; set; } = "dev-function-key";

    /// <summary>Start Azurite from node_modules when nothing answers on the storage ports.</summary>
    public bool StartAzurite { get; set; } = true;

    /// <summary>Run timers on their schedules (tests turn this off and run them on demand).</summary>
    public bool RunTimers { get; set; } = true;

    /// <summary>The SMTP dev server's web API, read by <c>GET /dev/mailbox</c>.</summary>
    public Uri MailboxUrl { get; set; } = new("http://127.0.0.1:5080/");

    /// <summary>A folder of policy drafts (<c>*.md</c> with the same front matter) served beside the embedded versions (its <c>terms/</c> subfolder: drafts of the CGU); local only.</summary>
    public string? PolicyDraftsDirectory { get; set; }

    /// <summary>
    /// Honour the <c>X-Jimp-Storage-Prefix</c> request header: tests that share one host each name their own tables
    /// (see <see cref="ScopedStoragePrefix"/>). Off unless a test host turns it on.
    /// </summary>
    public bool ScopedStoragePrefixes { get; set; }
}
