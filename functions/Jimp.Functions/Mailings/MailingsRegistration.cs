using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions.Mailings;

/// <summary>
/// The sent marks of the mailings under way, as personal data: a mark is a user id (pseudonymous) with the time a
/// mailing reached it, kept only while that mailing runs. Export and erasure look at the unfinished mailings (a
/// handful), one point read or delete each.
/// </summary>
public sealed class MailingSentStore(MailingStore mailings) : IPersonalDataStore
{
    public string Name => MailingStore.SentTable;

    public (string Fr, string En) Title => ("E-mails groupés en cours d'envoi", "Bulk e-mails being sent");

    public string Purpose => "Send each bulk e-mail (announcements, inactivity warnings, campaigns) once to each person: a mark per person reached, no address.";

    public string LegalBasis => "As the e-mail itself: contract (Art. 6(1)(b)) for the service e-mails (announcements, inactivity warnings), consent (Art. 6(1)(a)) for campaigns";

    public string Retention => "Until the mailing has reached everyone (at most a few days), then deleted.";

    public PersonalDataTexts French => new(
        "Envoyer une seule fois chaque e-mail groupé (annonces, avertissements d'inactivité, campagnes) à chaque personne : une marque par personne atteinte, sans adresse.",
        "Comme l'e-mail lui-même : exécution du contrat (art. 6.1.b RGPD) pour les e-mails de service (annonces, avertissements d'inactivité), consentement (art. 6.1.a RGPD) pour les campagnes",
        "Jusqu'à la fin de l'envoi (quelques jours au plus), puis supprimée.");

    public async Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var records = new List<ExportRecord>();
        foreach (var mailing in await mailings.ListUnfinishedAsync(cancellationToken))
        {
            if (await mailings.SentAtAsync(mailing.Id, userId, cancellationToken) is { } at)
            {
                records.Add(new ExportRecord { ["mailing"] = mailing.Id, ["kind"] = mailing.Kind, ["sent_at"] = at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) });
            }
        }
        return records;
    }

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var erased = 0;
        foreach (var mailing in await mailings.ListUnfinishedAsync(cancellationToken))
        {
            if (await mailings.SentAtAsync(mailing.Id, subject.UserId, cancellationToken) is null) continue;
            await mailings.DeleteMarkAsync(mailing.Id, subject.UserId, cancellationToken);
            erased++;
        }
        return erased;
    }
}

public static class MailingsRegistration
{
    /// <summary>The bulk mailings (<see cref="BulkMailOrchestration"/>); each kind of mailing is registered by its feature.</summary>
    public static IServiceCollection AddMailings(this IServiceCollection services)
    {
        services.AddSingleton<MailingStore>();
        services.AddSingleton<MailingRecovery>();
        services.AddPersonalDataStore<MailingSentStore>();
        services.AddNonPersonalStore(MailingStore.Table, "One row per mailing: its kind, the version announced or the owner's campaign texts, progress counts and throttle window; no user id, no address.");
        return services;
    }
}
