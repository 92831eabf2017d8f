using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Privacy;
using Microsoft.DurableTask.Client;

namespace Jimp.Functions.Operators;

/// <summary>The body of <c>POST api/console/campaigns</c>: the owner's e-mail in French and English (the account's language picks one).</summary>
public sealed record CampaignBody(string? SubjectFr, string? TextFr, string? SubjectEn, string? TextEn);

/// <summary>One campaign as the console lists it: its subjects and its mailing's progress (no recipient, no address).</summary>
public sealed record CampaignView(string SubjectFr, string SubjectEn, MailingProgress Progress);

/// <summary>The console's campaigns section.</summary>
/// <param name="Recipients">How many people would get a campaign sent now: consent to marketing e-mails on, not restricted, not a minor's, not being erased. A count only.</param>
/// <param name="Campaigns">The campaigns sent, newest first.</param>
public sealed record CampaignConsoleView(int Recipients, DateTimeOffset CountedAt, IReadOnlyList<CampaignView> Campaigns);

/// <summary>
/// The owner's marketing campaigns, written in the console and sent only through the consent-checking
/// <see cref="MarketingMailer"/> by the throttled bulk mailing (<see cref="BulkMailOrchestration"/>, kind
/// <see cref="MailingKinds.Campaign"/>): the ledger is read for each person when their mail goes out, so a consent
/// withdrawn (or an unsubscribe link clicked) during the mailing stops the mail to that person; every mail carries
/// the RFC 8058 one-click unsubscribe. The texts are kept in the mailing's row (no personal data); a refused
/// request stores nothing.
/// </summary>
public sealed class Campaigns(MailingStore mailings, ConsentLedger ledger, AccountStore accounts, TimeProvider clock)
{
    public const int SubjectMaxLength = 150;
    public const int TextMaxLength = 8000;

    /// <summary>Two texts of 8,000 characters, accented, fit (a JSON body of at most 64 KiB).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>How many accounts would get a campaign now (keys and flags read, no address leaves).</summary>
    public async Task<int> RecipientsAsync(CancellationToken cancellationToken)
    {
        var granted = await ledger.GrantedUsersAsync(ConsentPurposes.MarketingEmails, cancellationToken);
        if (granted.Count == 0) return 0;
        var count = 0;
        await foreach (var account in accounts.ListAsync(cancellationToken))
        {
            if (granted.Contains(account.UserId) && MarketingMailer.MayReceive(account)) count++;
        }
        return count;
    }

    public async Task<CampaignConsoleView> ViewAsync(CancellationToken cancellationToken)
    {
        var recipients = await RecipientsAsync(cancellationToken);
        var sent = (await mailings.ListAsync(MailingKinds.Campaign, cancellationToken))
            .OrderByDescending(m => m.StartedAt)
            .Select(m => new CampaignView(m.SubjectFr ?? "", m.SubjectEn ?? "", m.Progress()))
            .ToList();
        return new CampaignConsoleView(recipients, clock.GetUtcNow(), sent);
    }

    /// <summary>Validates the texts (field errors in the owner's language, nothing stored) and starts the campaign's mailing.</summary>
    public async Task<MailingStarted> StartAsync(CampaignBody body, string locale, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var message = Validate(body, locale);
        var mailing = new Mailing(BulkMailOrchestration.NewId(), MailingKinds.Campaign, clock.GetUtcNow())
        {
            SubjectFr = message.SubjectFr,
            TextFr = message.TextFr,
            SubjectEn = message.SubjectEn,
            TextEn = message.TextEn,
        };
        return BulkMailOrchestration.Started(await BulkMailOrchestration.StartAsync(client, mailings, mailing, cancellationToken), alreadyStarted: false);
    }

    /// <summary>Every field is required; a subject is one line of at most 150 characters, a text at most 8,000.</summary>
    public static MarketingMessage Validate(CampaignBody? body, string locale)
    {
        var en = locale == "en";
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Subject(string field, string? value, string fr, string english)
        {
            var v = value?.Trim() ?? "";
            if (v.Length == 0) errors[field] = [en ? $"Write the subject in {english}." : $"Écrivez l'objet en {fr}."];
            else if (v.Length > SubjectMaxLength) errors[field] = [en ? $"The subject in {english} may be at most {SubjectMaxLength} characters." : $"L'objet en {fr} fait au plus {SubjectMaxLength} caractères."];
            else if (v.Any(char.IsControl)) errors[field] = [en ? $"The subject in {english} must be one line, without control characters." : $"L'objet en {fr} tient sur une ligne, sans caractère de contrôle."];
        }
        void Text(string field, string? value, string fr, string english)
        {
            var v = value?.Trim() ?? "";
            if (v.Length == 0) errors[field] = [en ? $"Write the text in {english}." : $"Écrivez le texte en {fr}."];
            else if (v.Length > TextMaxLength) errors[field] = [en ? $"The text in {english} may be at most {TextMaxLength} characters." : $"Le texte en {fr} fait au plus {TextMaxLength} caractères."];
        }
        Subject("subjectFr", body?.SubjectFr, "français", "French");
        Text("textFr", body?.TextFr, "français", "French");
        Subject("subjectEn", body?.SubjectEn, "anglais", "English");
        Text("textEn", body?.TextEn, "anglais", "English");
        if (errors.Count > 0)
        {
            throw en
                ? new RequestValidationException(errors, "The campaign is not valid.", "One or more fields are not valid: nothing was sent or stored.")
                : new RequestValidationException(errors, "La campagne n'est pas valide.", "Un ou plusieurs champs ne sont pas valides : rien n'a été envoyé ni enregistré.");
        }
        return new MarketingMessage(body!.SubjectFr!.Trim(), body.TextFr!.Trim(), body.SubjectEn!.Trim(), body.TextEn!.Trim());
    }

    /// <summary>A body refused before validation (not JSON, too large, wrong type), said in the owner's language.</summary>
    public static ProblemException Localized(ProblemException problem, string locale)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (locale == "en") return problem;
        var detail = problem.Code switch
        {
            "malformed-json" => "Le corps de la requête n'est pas un JSON valide, ou un champ a un mauvais type.",
            "too-large" => $"Le corps de la requête fait au plus {MaxBodyBytes} octets.",
            "unsupported-media-type" => "Envoyez le corps en application/json.",
            _ => problem.Detail,
        };
        return new ProblemException(problem.Status, "La campagne n'est pas valide.", detail) { Code = problem.Code };
    }
}

/// <summary>
/// The campaign kind of bulk mailing: each account of the page goes to <see cref="MarketingMailer"/>, which sends
/// only if the ledger says the person consents at that moment (and the account may receive marketing at all).
/// </summary>
public sealed class CampaignMailing(MarketingMailer mailer) : IMailingKind
{
    public string Kind => MailingKinds.Campaign;

    public async Task<MailOutcome> SendAsync(Mailing mailing, Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        ArgumentNullException.ThrowIfNull(account);
        if (!MarketingMailer.MayReceive(account)) return MailOutcome.Skipped;
        var message = new MarketingMessage(mailing.SubjectFr ?? "", mailing.TextFr ?? "", mailing.SubjectEn ?? "", mailing.TextEn ?? "");
        return await mailer.SendAsync(account.UserId, message, cancellationToken) ? MailOutcome.Sent : MailOutcome.Skipped;
    }
}
