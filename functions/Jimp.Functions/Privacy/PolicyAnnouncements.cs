using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

/// <summary>
/// Announces a material policy change by e-mail to every account at least 30 days before it takes effect
/// (nothing is ever accepted by continued use), through the throttled bulk mailing (<see cref="BulkMailOrchestration"/>).
/// One marker row per version in <c>policyannouncements</c> (no personal data: the version, its mailing id, when
/// the mailing started and completed, how many were sent) makes it once: a second announcement of the version
/// returns the first one's mailing and sends nothing. The version's 30 days count from the mailing's completion.
/// </summary>
public sealed class PolicyAnnouncements(JimpStorage storage, MailingStore mailings, IEmailSender email, IOptions<AppOptions> app, PolicyCalendar calendar, PolicyDocuments policies, TimeProvider clock) : IMailingKind
{
    public const string Table = "policyannouncements";
    public const int NoticeDays = 30;
    public const string Partition = "announcement";

    public string Kind => MailingKinds.Policy;

    /// <summary>Refuses a version that is not material, or takes effect less than 30 days from today (a field error on its date).</summary>
    /// <param name="locale">The language of the operator who announces it (the refusal's field error is in it).</param>
    public static void RequireNotice(PolicyVersion upcoming, DateOnly today, string locale, string document = "policy")
    {
        ArgumentNullException.ThrowIfNull(upcoming);
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
    }

    /// <summary>Starts the announcement's mailing (202), or returns the one already started for the version.</summary>
    public Task<MailingStarted> AnnounceAsync(PolicyVersion upcoming, DurableTaskClient client, CancellationToken cancellationToken, string locale = "fr") =>
        AnnounceVersionAsync(storage, mailings, clock, Partition, Kind, upcoming, client, locale, cancellationToken);

    /// <summary>The policy's and the CGU's announcement: one marker per version (partition per document) pointing at its one mailing.</summary>
    internal static async Task<MailingStarted> AnnounceVersionAsync(JimpStorage storage, MailingStore mailings, TimeProvider clock, string partition, string kind,
        PolicyVersion upcoming, DurableTaskClient client, string locale, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upcoming);
        var now = clock.GetUtcNow();
        RequireNotice(upcoming, DateOnly.FromDateTime(now.UtcDateTime), locale);
        var markers = await storage.TableAsync(Table, cancellationToken);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var found = await markers.GetEntityIfExistsAsync<TableEntity>(partition, upcoming.Version, cancellationToken: cancellationToken);
            if (found.HasValue && found.Value!.GetString("MailingId") is { } existingId)
            {
                if (await mailings.GetAsync(existingId, cancellationToken) is { } existing) return BulkMailOrchestration.Started(existing, alreadyStarted: true);
                // The marker was written, then the process stopped before the mailing was: start it now, under that id.
                var recovered = await BulkMailOrchestration.StartAsync(client, mailings, new Mailing(existingId, kind, now) { Version = upcoming.Version }, cancellationToken);
                return BulkMailOrchestration.Started(recovered, alreadyStarted: false);
            }
            if (found.HasValue && found.Value!.GetDateTimeOffset("CompletedAt") is { } completedAt)
            {
                // Announced before announcements became mailings: recorded as a finished mailing, nothing sent again.
                var legacy = new Mailing(BulkMailOrchestration.NewId(), kind, found.Value!.GetDateTimeOffset("StartedAt") ?? completedAt)
                {
                    Version = upcoming.Version, Sent = found.Value!.GetInt32("Sent") ?? 0, Total = found.Value!.GetInt32("Sent") ?? 0, Paged = true, FinishedAt = completedAt,
                };
                await mailings.CreateAsync(legacy, cancellationToken);
                found.Value!["MailingId"] = legacy.Id;
                await markers.UpdateEntityAsync(found.Value!, found.Value!.ETag, TableUpdateMode.Merge, cancellationToken);
                return BulkMailOrchestration.Started(legacy, alreadyStarted: true);
            }
            var mailingId = BulkMailOrchestration.NewId();
            var marker = new TableEntity(partition, upcoming.Version)
            {
                ["MailingId"] = mailingId,
                ["StartedAt"] = now,
                ["Effective"] = upcoming.Effective.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["Sent"] = 0,
            };
            try
            {
                // The marker first, conditionally: of two announcements at once, one starts the mailing.
                if (found.HasValue) await markers.UpdateEntityAsync(marker, found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else await markers.AddEntityAsync(marker, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                continue;
            }
            var mailing = await BulkMailOrchestration.StartAsync(client, mailings, new Mailing(mailingId, kind, now) { Version = upcoming.Version }, cancellationToken);
            return BulkMailOrchestration.Started(mailing, alreadyStarted: false);
        }
        throw new ProblemException(409, "Announcement under way.", "Another announcement of this version is being started; reload the page.") { Code = "announcement-busy" };
    }

    /// <summary>Marks the version's announcement complete: its 30 days of notice start now.</summary>
    internal static async Task CompleteVersionAsync(JimpStorage storage, TimeProvider clock, string partition, Mailing mailing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        var markers = await storage.TableAsync(Table, cancellationToken);
        var found = await markers.GetEntityIfExistsAsync<TableEntity>(partition, mailing.Version, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.GetDateTimeOffset("CompletedAt") is not null) return;
        await markers.UpdateEntityAsync(new TableEntity(partition, mailing.Version) { ["CompletedAt"] = mailing.FinishedAt ?? clock.GetUtcNow(), ["Sent"] = mailing.Sent }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<MailOutcome> SendAsync(Mailing mailing, Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        ArgumentNullException.ThrowIfNull(account);
        // An account flagged as a minor's, or being erased, gets no more mail.
        if (account.IsMinorFlagged || account.ErasingSince is not null || string.IsNullOrEmpty(account.Email)) return MailOutcome.Skipped;
        var version = policies.Versions.FirstOrDefault(v => v.Version == mailing.Version) ?? throw new InvalidOperationException("The announced policy version is no longer published.");
        await email.SendAsync(Notice(account.Email, account.Locale, version), cancellationToken);
        return MailOutcome.Sent;
    }

    public async Task FinishedAsync(Mailing mailing, CancellationToken cancellationToken)
    {
        await CompleteVersionAsync(storage, clock, Partition, mailing, cancellationToken);
        calendar.Forget(); // the version's 30 days start now: it is in force from max(effective, completion + 30)
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
