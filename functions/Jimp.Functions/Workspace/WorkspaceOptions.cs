using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Workspace;

/// <summary>The creator's workspace (section <c>Workspace</c>): how much one creator may store.</summary>
public sealed class WorkspaceOptions
{
    public const string Section = "Workspace";

    /// <summary>Products per creator.</summary>
    [Range(1, 10_000)]
    public int MaxProducts { get; set; } = 500;

    /// <summary>Videos per creator (also the most rows one CSV may hold).</summary>
    [Range(1, 50_000)]
    public int MaxVideos { get; set; } = 5_000;

    /// <summary>The largest CSV accepted, in bytes.</summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxImportBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Videos younger than this are left out of the insights (the playbooks: wait 48 hours before judging a video).</summary>
    [Range(0, 30)]
    public int SettleDays { get; set; } = 2;
}
