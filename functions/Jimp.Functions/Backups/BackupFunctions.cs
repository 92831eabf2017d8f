using Jimp.Functions.Platform;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Backups;

public sealed class BackupFunctions(BackupService backups)
{
    /// <summary>Nightly: a backup of every table, then the nights older than <c>Backups:RetentionDays</c> deleted.</summary>
    [Function(nameof(BackUpTables))]
    public Task BackUpTables([TimerTrigger(TimerSchedules.Backups)] TimerInfo timer, CancellationToken cancellationToken) =>
        backups.RunAsync(cancellationToken);
}
