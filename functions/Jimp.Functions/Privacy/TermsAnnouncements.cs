using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

/// <summary>
/// Announces a material version of the terms of use (CGU) by e-mail to every account at least 30 days before it
/// takes effect, exactly as a policy version is announced (<see cref="PolicyAnnouncements"/>): one marker per
/// version in the <c>terms</c> partition of <c>policyannouncements</c>, one throttled bulk mailing
/// (<see cref="BulkMailOrchestration"/>, kind <see cref="MailingKinds.Terms"/>), a second announcement sends nothing.
/// When the mailing completes, the marker records it and <see cref="TermsOfUse"/> counts the 30 days from then.
/// </summary>
public sealed class TermsAnnouncements(JimpStorage storage, MailingStore mailings, IEmailSender email, IOptions<AppOptions> app, TermsOfUse terms, TimeProvider clock) : IMailingKind
{
    public string Kind => MailingKinds.Terms;

    /// <summary>Starts the announcement's mailing (202), or returns the one already started for the version.</summary>
    public Task<MailingStarted> AnnounceAsync(PolicyVersion upcoming, DurableTaskClient client, CancellationToken cancellationToken, string locale = "fr") =>
        PolicyAnnouncements.AnnounceVersionAsync(storage, mailings, clock, TermsOfUse.Partition, Kind, upcoming, client, locale, cancellationToken);

    public async Task<MailOutcome> SendAsync(Mailing mailing, Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        ArgumentNullException.ThrowIfNull(account);
        // An account flagged as a minor's, or being erased, gets no more mail.
        if (account.IsMinorFlagged || account.ErasingSince is not null || string.IsNullOrEmpty(account.Email)) return MailOutcome.Skipped;
        var version = terms.Documents.Versions.FirstOrDefault(v => v.Version == mailing.Version) ?? throw new InvalidOperationException("The announced CGU version is no longer published.");
        await email.SendAsync(Notice(account.Email, account.Locale, version), cancellationToken);
        return MailOutcome.Sent;
    }

    public async Task FinishedAsync(Mailing mailing, CancellationToken cancellationToken)
    {
        await PolicyAnnouncements.CompleteVersionAsync(storage, clock, TermsOfUse.Partition, mailing, cancellationToken);
        terms.Forget(); // the version's 30 days start now: it is in force from max(effective, completion + 30)
    }

    private EmailMessage Notice(string to, string locale, PolicyVersion version)
    {
        var link = new Uri($"{app.Value.PublicBaseUrl.TrimEnd('/')}/#/terms?version={Uri.EscapeDataString(version.Version)}");
        var date = RightsEmails.Date(version.Effective, locale);
        return locale == "en"
            ? AccountEmails.WithLink(to, $"JIMP's terms of use change on {date}", "Hello,",
                $"A new version ({version.Version}) of JIMP's terms of use (CGU) takes effect on {date}, at the earliest 30 days after this e-mail. Please read it:", link, "Read the new terms",
                "Nothing is accepted just by continuing to use JIMP: you will be asked to accept them when you next sign in. If you do not accept them, you can export your data or delete your account at any time in the privacy center.")
            : AccountEmails.WithLink(to, $"Les conditions générales d'utilisation de JIMP changent le {date}", "Bonjour,",
                $"Une nouvelle version ({version.Version}) des conditions générales d'utilisation (CGU) de JIMP s'applique à partir du {date}, au plus tôt 30 jours après cet e-mail. Merci de la lire :", link, "Lire les nouvelles CGU",
                "Rien n'est accepté du simple fait de continuer à utiliser JIMP : nous vous demanderons de les accepter à votre prochaine connexion. Si vous ne les acceptez pas, vous pouvez exporter vos données ou supprimer votre compte à tout moment dans l'espace confidentialité.");
    }
}
