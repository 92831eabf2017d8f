using Jimp.Functions.Privacy;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Backups;

/// <summary>
/// The backups container, as a store of the registry: it holds copies of every table, so of everyone's data, for
/// <see cref="BackupOptions.RetentionDays"/> days. It is put beyond use rather than edited: a backup cannot be changed
/// (immutability policy), nothing reads it but a restore, and a restore replays every erasure
/// (<see cref="RestoreService"/>); so an erasure reaches the backups when they expire. It is not exported either:
/// the export already holds the live data it copies.
/// </summary>
public sealed class BackupStore(IOptions<BackupOptions> options) : IPersonalDataStore
{
    public string Name => BackupService.Container;

    public (string Fr, string En) Title => ("Sauvegardes", "Backups");

    public string Purpose => "Restore the service's data after an incident (a bad deployment, a bug, a compromised access), without ever bringing back an erased person.";

    public string LegalBasis => "Legal obligation (Art. 6(1)(c), with Art. 32(1)(c): the ability to restore data after an incident)";

    public string Retention =>
        $"{options.Value.RetentionDays} days, then {BackupOptions.SoftDeleteDays} days in soft delete; an erasure reaches backups within {options.Value.ErasureReachesBackupsWithinDays} days, and a restore never brings an erased person back.";

    public PersonalDataTexts French => new(
        "Restaurer les données du service après un incident (mauvais déploiement, bug, accès compromis), sans jamais faire revenir une personne effacée.",
        "Obligation légale (art. 6.1.c RGPD, avec l'art. 32.1.c RGPD : pouvoir rétablir les données après un incident)",
        $"{options.Value.RetentionDays} jours, puis {BackupOptions.SoftDeleteDays} jours en suppression réversible ; un effacement atteint les sauvegardes en {options.Value.ErasureReachesBackupsWithinDays} jours au plus, et une restauration ne fait jamais revenir une personne effacée.");

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]); // copies of the live data the export already holds

    /// <summary>Nothing to delete now (immutable until expiry): the restore replays the erasure instead.</summary>
    public Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken) => Task.FromResult(0);
}
