using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Backups;

/// <summary>The nightly table backups (section <c>Backups</c>).</summary>
public sealed class BackupOptions
{
    public const string Section = "Backups";

    /// <summary>
    /// Days a night's backup is kept; the nightly job deletes older nights, and in Azure the container's time-based
    /// immutability policy and its lifecycle rule use the same number (bicep/modules/storage.bicep,
    /// <c>backupRetentionDays</c>). Seven nights cover a bad deployment or a bug noticed after a weekend, while keeping
    /// an erased person's data in backups as short a time as that allows; the policy (§8) states this number.
    /// </summary>
    [Range(1, 35)]
    public int RetentionDays { get; set; } = 7;

    /// <summary>
    /// Days a deleted blob stays recoverable (the storage account's soft delete, <c>retentionDays</c> in storage.bicep):
    /// a deleted backup lives that much longer, which the policy counts in "erasure reaches backups within …".
    /// </summary>
    public const int SoftDeleteDays = 7;

    /// <summary>Entities read per query page (the Table service's maximum is 1,000).</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>
    /// The longest time between an erasure and the moment no backup (soft-deleted ones included) holds the person:
    /// the last backup taken before the erasure is deleted after <see cref="RetentionDays"/> (one more night if its
    /// immutability had not quite run out when the job ran), then stays <see cref="SoftDeleteDays"/> in soft delete.
    /// </summary>
    public int ErasureReachesBackupsWithinDays => RetentionDays + 1 + SoftDeleteDays;
}
