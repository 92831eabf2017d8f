using System.Globalization;
using Jimp.Functions.Backups;
using Jimp.Functions.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jimp.Restore;

/// <summary>
/// <c>scripts/restore-backup.sh --list | NIGHT|RUN [--keep-newer]</c>: lists the backups, or restores one through
/// <see cref="RestoreService"/> (tombstones replayed), on the tools' <see cref="CommandHost"/> (settings
/// file restore.settings.json, then environment variables such as <c>Storage__TableServiceUri</c>,
/// <c>Storage__BlobServiceUri</c> and <c>KeyedHash__Key</c> in Azure).
/// </summary>
public static class RestoreCommand
{
    public const string SettingsFile = "restore.settings.json";

    public const string Usage =
        "usage: restore-backup --list\n" +
        "       restore-backup yyyy-MM-dd|RUN [--keep-newer]\n" +
        "  yyyy-MM-dd: the latest complete backup of that night; RUN: a run id from --list\n" +
        "  default: every table must be empty (disaster recovery); --keep-newer: only rows missing live are written back";

    /// <returns>0 when done, 1 when the restore is refused or the settings are wrong, 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IEnumerable<KeyValuePair<string, string?>>? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var list = args is ["--list"];
        var keepNewer = args.Length == 2 && args[1] == "--keep-newer";
        if (!list && !(args.Length == 1 && !args[0].StartsWith('-')) && !keepNewer)
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        string? keyProblem = null;
        var builder = CommandHost.CreateBuilder(SettingsFile, settings, configuration =>
        {
            if (!string.IsNullOrWhiteSpace(configuration["KeyedHash:Key"])) return;
            // Locally, the DevHost's key. Never a new one: tombstones made under another key would match nobody.
            var keyFile = configuration["KeyedHash:KeyFile"] ?? LocalKeyFile();
            if (keyFile is null || !File.Exists(keyFile))
            {
                keyProblem = "The keyed-hash key is needed to match the erasure tombstones: set KeyedHash__Key (in Azure, the Key Vault secret keyed-hash-key), or run the DevHost once locally.";
                return;
            }
            configuration["KeyedHash:KeyFile"] = keyFile;
        });
        if (keyProblem is not null)
        {
            await error.WriteLineAsync(keyProblem);
            return 1;
        }
        using var host = builder.Build();
        try
        {
            if (list)
            {
                foreach (var run in await host.Services.GetRequiredService<BackupService>().ListAsync(cancellationToken))
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{run.Id}  {run.Night:yyyy-MM-dd}  {(run.Complete ? "complete" : "INCOMPLETE (no manifest, never restored)")}  {run.Blobs.Count} blobs"));
                }
                return 0;
            }
            var report = await host.Services.GetRequiredService<RestoreService>().RestoreAsync(args[0], keepNewer ? RestoreMode.KeepNewer : RestoreMode.EmptyTablesOnly, cancellationToken);
            foreach (var t in report.Tables)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{t.Name}: {t.Rows} rows in the backup, {t.Written} written, {t.Erased} of erased people skipped, {t.KeptLive} kept as they were live"));
            }
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"restored {report.Run}; erasure replayed for {report.ErasedPeople} erased people ({report.ReplayedRecords} records)"));
            return 0;
        }
        catch (RestoreRefusedException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync("The settings are not valid: " + string.Join(" ", ex.Failures));
            return 1;
        }
    }

    /// <summary><c>.jimp/keyed-hash.key</c> at the repository root, if this runs from a clone.</summary>
    private static string? LocalKeyFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JIMP.sln"))) return Path.Combine(dir.FullName, ".jimp", "keyed-hash.key");
        }
        return null;
    }
}
