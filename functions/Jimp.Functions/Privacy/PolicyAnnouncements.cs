using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

/// <summary>What an announcement did.</summary>
public sealed record AnnouncementResult(string Version, int Sent, bool AlreadyAnnounced);

/// <summary>
/// Announces a material policy change by e-mail to every account at least 30 days before it takes effect
/// (nothing is ever accepted by continued use). One marker row per version in <c>policyannouncements</c>
/// (no personal data: the version, the progress through the <c>users</c> table, counts) makes it idempotent:
/// a finished announcement sends nothing again; an interrupted one resumes from its last finished page.
/// </summary>
public sealed class PolicyAnnouncements(JimpStorage storage, AccountStore accounts, IEmailSender email, IOptions<AppOptions> app, PolicyCalendar calendar, TimeProvider clock)
{
    public const string Table = "policyannouncements";
    public const int NoticeDays = 30;
    public const string Partition = "announcement";

    /// <param name="locale">The language of the operator who announces it (the refusal's field error is in it).</param>
    public async Task<AnnouncementResult> AnnounceAsync(PolicyVersion upcoming, CancellationToken cancellationToken, int pageSize = 100, string locale = "fr")
    {
        ArgumentNullException.ThrowIfNull(upcoming);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!upcoming.Material)
        {
            throw new ProblemException(409, "Not a material change.", $"Version {upcoming.Version} is not material: it is shown in the app, not announced by e-mail.") { Code = "not-material" };
        }
        if (upcoming.Effective < today.AddDays(NoticeDays))
        {
            // A field error on the version's effective date (the console shows it beside the date), with the earliest date that would do.
            var earliest = today.AddDays(NoticeDays);
            throw new RequestValidationException(new Dictionary<string, string[]>
            {
                ["effective"] = [locale == "en"
                    ? $"Version {upcoming.Version} takes effect on {RightsEmails.Date(upcoming.Effective, "en")}: a material change must be announced at least {NoticeDays} days before. Move its effective date to {RightsEmails.Date(earliest, "en")} or later."
                    : $"La version {upcoming.Version} s'applique le {RightsEmails.Date(upcoming.Effective, "fr")} : un changement important doit être annoncé au moins {NoticeDays} jours avant. Reportez sa date d'entrée en vigueur au {RightsEmails.Date(earliest, "fr")} ou plus tard."],
            })
            { Code = "notice-period" };
        }

        var markers = await storage.TableAsync(Table, cancellationToken);
        var found = await markers.GetEntityIfExistsAsync<TableEntity>(Partition, upcoming.Version, cancellationToken: cancellationToken);
        TableEntity marker;
        if (found.HasValue)
        {
            marker = found.Value!;
            if (marker.GetDateTimeOffset("CompletedAt") is not null) return new AnnouncementResult(upcoming.Version, 0, AlreadyAnnounced: true);
        }
        else
        {
            marker = new TableEntity(Partition, upcoming.Version) { ["StartedAt"] = clock.GetUtcNow(), ["Effective"] = upcoming.Effective.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["Sent"] = 0 };
            await markers.UpsertEntityAsync(marker, TableUpdateMode.Replace, cancellationToken);
        }

        var sent = 0;
        var token = marker.GetString("ContinuationToken");
        // The accounts feature owns the users table: the announcement pages through its accounts.
        await foreach (var (page, continuation) in accounts.ListPagesAsync(token, pageSize, cancellationToken))
        {
            var sentInPage = 0;
            foreach (var account in page)
            {
                // An account flagged as a minor's is being erased: it gets no more mail.
                if (account.IsMinorFlagged || string.IsNullOrEmpty(account.Email)) continue;
                await email.SendAsync(Notice(account.Email, account.Locale, upcoming), cancellationToken);
                sentInPage++;
            }
            sent += sentInPage;
            // Progress is saved after each page: a rerun after a failure resumes here (at most one page is sent twice).
            marker["ContinuationToken"] = continuation;
            marker["Sent"] = (marker.GetInt32("Sent") ?? 0) + sentInPage;
            await markers.UpsertEntityAsync(marker, TableUpdateMode.Replace, cancellationToken);
        }
        marker["CompletedAt"] = clock.GetUtcNow();
        await markers.UpsertEntityAsync(marker, TableUpdateMode.Replace, cancellationToken);
        calendar.Forget(); // the version's 30 days start now: it is in force from max(effective, today + 30)
        return new AnnouncementResult(upcoming.Version, sent, AlreadyAnnounced: false);
    }

    private EmailMessage Notice(string to, string locale, PolicyVersion version)
    {
        var link = new Uri($"{app.Value.PublicBaseUrl.TrimEnd('/')}/#/policy?version={Uri.EscapeDataString(version.Version)}");
        var date = RightsEmails.Date(version.Effective, locale);
        return locale == "en"
            ? AccountEmails.WithLink(to, $"JIMP's privacy policy changes on {date}", "Hello,",
                $"A new version ({version.Version}) of JIMP's privacy policy takes effect on {date}. Please read it:", link, "Read the new policy",
                "Nothing is accepted just by continuing to use JIMP: you will be asked to accept it. Until then, you can export your data or delete your account at any time in the privacy center.")
            : AccountEmails.WithLink(to, $"La politique de confidentialité de JIMP change le {date}", "Bonjour,",
                $"Une nouvelle version ({version.Version}) de la politique de confidentialité de JIMP s'applique à partir du {date}. Merci de la lire :", link, "Lire la nouvelle politique",
                "Rien n'est accepté du simple fait de continuer à utiliser JIMP : nous vous demanderons de l'accepter. D'ici là, vous pouvez exporter vos données ou supprimer votre compte à tout moment dans l'espace confidentialité.");
    }
}
