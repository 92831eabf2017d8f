using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions.Privacy;

/// <summary>Exports: the record per request (table) and the ZIP (private container, <c>{userId}/{exportId}.zip</c>).</summary>
public sealed class ExportArchiveStore(JimpStorage storage) : IPersonalDataStore
{
    public const string Container = "exports";

    public string Name => Container;

    public (string Fr, string En) Title => ("Archives d'export", "Export archives");

    public string Purpose => "Give users a copy of their data (Art. 15 and 20).";

    public string LegalBasis => "Legal obligation (Art. 6(1)(c))";

    public string Retention => "7 days after creation.";

    public PersonalDataTexts French => new("Vous remettre une copie de vos données (art. 15 et 20 RGPD).", "Obligation légale (art. 6.1.c RGPD)", "7 jours après sa création.");

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]); // an export does not contain earlier exports

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var container = await storage.ContainerAsync(Container, cancellationToken);
        var deleted = 0;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, subject.UserId + "/", cancellationToken))
        {
            await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            deleted++;
        }
        return deleted;
    }
}

public static class PersonalDataRegistration
{
    /// <summary>
    /// The registry, and the privacy feature's own stores; every other feature declares its stores in its own
    /// registration (see <see cref="PersonalDataDeclarations"/>).
    /// </summary>
    public static IServiceCollection AddPersonalDataRegistry(this IServiceCollection services)
    {
        services.AddUserPartitionTable(ConsentLedger.Table,
            ("Consentements", "Consents"), "Record each consent given or withdrawn, per purpose.", "Consent (Art. 6(1)(a)) and legal obligation to prove it (Art. 7(1))",
            "As long as the account exists.",
            new("Enregistrer chaque consentement donné ou retiré, finalité par finalité.", "Consentement (art. 6.1.a RGPD) et obligation légale d'en apporter la preuve (art. 7.1 RGPD)", "Tant que le compte existe."));
        services.AddUserPartitionTable(RequestTracker.Table,
            ("Demandes d'exercice de droits", "Privacy requests"), "Answer data-subject requests within the legal deadline.", "Legal obligation (Art. 6(1)(c), Art. 12)",
            "As long as the account exists.",
            new("Répondre à vos demandes d'exercice de droits dans le délai légal.", "Obligation légale (art. 6.1.c et art. 12 RGPD)", "Tant que le compte existe."));
        services.AddPersonalDataStore<RequestLogStore>();
        services.AddUserPartitionTable(ExportRecords.Table,
            ("Exports demandés", "Requested exports"), "Track the user's export requests and their download links.", "Legal obligation (Art. 6(1)(c))",
            "7 days after creation.",
            new("Suivre vos demandes d'export et leurs liens de téléchargement.", "Obligation légale (art. 6.1.c RGPD)", "7 jours après sa création."));
        services.AddPersonalDataStore<ExportArchiveStore>();
        services.AddNonPersonalStore(ErasureOrchestration.TombstoneTable, "Proof that an erasure was done: request id, dates and counts per store, nothing personal.");
        services.AddNonPersonalStore(ErasureOrchestration.PurgeQueueTable, "Random orchestration instance ids waiting to be purged; no user id.");
        services.AddNonPersonalStore(PolicyAnnouncements.Table, "Which policy or CGU version was announced (one partition per document), its mailing and when it completed; no user id.");
        services.AddSingleton<PersonalDataRegistry>();
        return services;
    }
}
