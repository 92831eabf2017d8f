using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

/// <summary>The security-log events of the user's rights (beside <see cref="SecurityEvents"/>).</summary>
public static class RightsEvents
{
    public const string RestrictionSet = "restriction-set";
    public const string RestrictionLifted = "restriction-lifted";
    public const string ObjectionChanged = "objection-changed";
    public const string ConsentChanged = "consent-changed";
}

/// <summary>The body of <c>PUT /api/me/objection</c>.</summary>
public sealed record ObjectionChange([property: Required(ErrorMessage = "Say whether you object to aggregate insights (true or false).")] bool? Insights);

/// <summary>One consent as <c>/api/me/consents</c> shows it.</summary>
public sealed record ConsentView(string Purpose, string Fr, string En, string DescriptionFr, string DescriptionEn, bool Granted, DateTimeOffset? ChangedAt, string? PolicyVersion)
{
    public static ConsentView From(ConsentState s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Purpose.Id, s.Purpose.LabelFr, s.Purpose.LabelEn, s.Purpose.DescriptionFr, s.Purpose.DescriptionEn, s.Granted, s.ChangedAt,
            s.PolicyVersion ?? s.Purpose.IntroducedIn);
    }
}

/// <summary>One request as <c>/api/me/requests</c> shows it.</summary>
public sealed record RequestView(string Id, string Type, DateTimeOffset ReceivedAt, DateTimeOffset DueAt, string Status, DateTimeOffset? CompletedAt, ExtensionView? Extension)
{
    public static RequestView From(PrivacyRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Type, r.ReceivedAt, r.DueAt, r.Status, r.CompletedAt,
            r.ExtendedUntil is { } until ? new ExtensionView(until, r.ExtensionReason ?? "") : null);
    }
}

public sealed record ExtensionView(DateTimeOffset Until, string Reason);

/// <summary>
/// The user's rights that need no orchestration: consent (Art. 7), restriction (Art. 18), objection (Art. 21)
/// and the list of their requests. Each change is recorded in the request tracker.
/// </summary>
public sealed partial class RightsService(
    AccountStore accounts,
    SessionStore sessions,
    ProfileStore profiles,
    RequestTracker requests,
    ConsentLedger consents,
    SecurityLog securityLog,
    IEmailSender email,
    UnsubscribeLinks unsubscribeLinks,
    IEnumerable<IInsightsSource> insightsSources,
    ILogger<RightsService> logger)
{
    /// <summary>Who the aggregate insights must leave out: objectors, restricted accounts and accounts being erased as a minor's.</summary>
    public static bool ExcludedFromInsights(Account a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.ObjectsToInsights || a.Restricted || a.IsMinorFlagged;
    }

    public async Task<IReadOnlyList<ConsentView>> ConsentsAsync(SignedInUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return (await consents.CurrentAsync(user.UserId, cancellationToken)).Select(ConsentView.From).ToList();
    }

    /// <summary>Grants or withdraws one purpose; a change appends to the ledger, a withdrawal is also a completed request.</summary>
    public Task<ConsentView> SetConsentAsync(SignedInUser user, string purposeId, bool granted, string channel, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return SetConsentAsync(user.UserId, purposeId, granted, channel, client, cancellationToken);
    }

    /// <summary>
    /// The one-click unsubscribe (RFC 8058) of a signed link: no session, the signature is the credential. Idempotent:
    /// a second click, or a click after the consent was already withdrawn, records nothing. An erased account gets
    /// the same answer and nothing is stored about it.
    /// </summary>
    public async Task<UnsubscribeResult> UnsubscribeAsync(string? token, ClientInfo client, CancellationToken cancellationToken)
    {
        if (!unsubscribeLinks.TryRead(token, out var userId, out var purpose))
        {
            throw ProblemException.BadRequest("This unsubscribe link is not valid. Withdraw the consent in the privacy center instead.", "unsubscribe-invalid");
        }
        if (await accounts.GetAsync(userId, cancellationToken) is not null)
        {
            await SetConsentAsync(userId, purpose.Id, false, ConsentChannels.Email, client, cancellationToken);
        }
        return new UnsubscribeResult(purpose.Id, purpose.LabelFr, purpose.LabelEn, Granted: false);
    }

    private async Task<ConsentView> SetConsentAsync(string userId, string purposeId, bool granted, string channel, ClientInfo client, CancellationToken cancellationToken)
    {
        var purpose = ConsentPurposes.Find(purposeId) ?? throw ProblemException.NotFound("consent purpose");
        var current = (await consents.CurrentAsync(userId, cancellationToken, [purpose]))[0];
        if (current.Granted == granted && current.ChangedAt is not null)
        {
            return ConsentView.From(current); // nothing changes: nothing to record
        }
        if (current.ChangedAt is null && !granted)
        {
            return ConsentView.From(current); // off by default: refusing again changes nothing
        }
        var record = await consents.AppendAsync(userId, purpose.Id, granted, channel, cancellationToken);
        if (!granted)
        {
            await requests.RecordCompletedAsync(userId, RequestTypes.ConsentWithdrawal, cancellationToken);
        }
        await securityLog.WriteAsync(RightsEvents.ConsentChanged, userId, client, $"{purpose.Id}:{(granted ? "granted" : "withdrawn")}", cancellationToken);
        return ConsentView.From(new ConsentState(purpose, record.Granted, record.At, record.PolicyVersion, record.Channel));
    }

    /// <summary>Restricts processing (Art. 18): the flag goes on the account and on every session, so the next chat turn is refused.</summary>
    public async Task<bool> RestrictAsync(SignedInUser user, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var account = await accounts.GetAsync(user.UserId, cancellationToken) ?? throw ProblemException.Unauthorized();
        // The sessions first (they are what a chat turn checks), on every call: a retry after a failure completes the copy.
        await sessions.UpdateContextAsync(user.UserId, new SessionContext(true, await profiles.GetJsonAsync(user.UserId, cancellationToken)), cancellationToken);
        if (account.Restricted) return true;
        await accounts.UpdateAsync(account with { Restricted = true }, cancellationToken);
        await requests.RecordCompletedAsync(user.UserId, RequestTypes.Restriction, cancellationToken);
        await securityLog.WriteAsync(RightsEvents.RestrictionSet, user.UserId, client, cancellationToken: cancellationToken);
        return true;
    }

    /// <summary>
    /// Lifts the restriction. The user is told BEFORE processing resumes (Art. 18(3)): if the notice cannot be
    /// sent, the restriction stays and the answer is 503.
    /// </summary>
    public async Task<bool> LiftRestrictionAsync(SignedInUser user, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var account = await accounts.GetAsync(user.UserId, cancellationToken) ?? throw ProblemException.Unauthorized();
        if (!account.Restricted) return false;
        try
        {
            await email.SendAsync(RightsEmails.RestrictionLifting(account.Email, account.Locale), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNoticeFailed(logger, user.UserId, ex.GetType().Name);
            throw new ProblemException(503, "The restriction stays for now.",
                "We must tell you by e-mail before processing resumes, and the e-mail could not be sent. Your data is still restricted; try again later.")
            { Code = "notice-failed", RetryAfterSeconds = 60 };
        }
        await accounts.UpdateAsync(account with { Restricted = false }, cancellationToken);
        await sessions.UpdateContextAsync(user.UserId, new SessionContext(false, await profiles.GetJsonAsync(user.UserId, cancellationToken)), cancellationToken);
        await requests.RecordCompletedAsync(user.UserId, RequestTypes.RestrictionLifted, cancellationToken);
        await securityLog.WriteAsync(RightsEvents.RestrictionLifted, user.UserId, client, cancellationToken: cancellationToken);
        return false;
    }

    /// <summary>
    /// Objects (or stops objecting) to aggregate insights and service improvement processing (Art. 21). Objecting
    /// deletes what the insights kept of the user's earlier questions, so no later computation counts them, even
    /// after a withdrawal; withdrawing deletes again what a turn already under way at the objection may have written.
    /// </summary>
    public async Task<bool> SetObjectionAsync(SignedInUser user, bool objects, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var account = await accounts.GetAsync(user.UserId, cancellationToken) ?? throw ProblemException.Unauthorized();
        if (!objects && account.ObjectsToInsights)
        {
            // Before the sessions stop carrying the objection: no turn can index a question meanwhile.
            await insightsSources.ForgetAsync(user.UserId, cancellationToken);
        }
        // The sessions first, on every call (a retry after a failure completes the copy): they carry the objection, so a
        // chat turn leaves an objector's questions out of the insights index without a read.
        await sessions.SetObjectionAsync(user.UserId, objects, cancellationToken);
        if (objects)
        {
            // Then the rows of the questions asked before, on every call too (a retry completes the deletion).
            await insightsSources.ForgetAsync(user.UserId, cancellationToken);
        }
        if (account.ObjectsToInsights == objects) return objects;
        await accounts.UpdateAsync(account with { ObjectsToInsights = objects }, cancellationToken);
        if (objects)
        {
            await requests.RecordCompletedAsync(user.UserId, RequestTypes.Objection, cancellationToken);
        }
        await securityLog.WriteAsync(RightsEvents.ObjectionChanged, user.UserId, client, objects ? "objects" : "withdrawn", cancellationToken);
        return objects;
    }

    public async Task<IReadOnlyList<RequestView>> RequestsAsync(SignedInUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return (await requests.ListAsync(user.UserId, cancellationToken))
            .OrderByDescending(r => r.ReceivedAt).ThenBy(r => r.Id, StringComparer.Ordinal)
            .Select(RequestView.From).ToList();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restriction of user {UserId} not lifted: the notice e-mail failed ({ExceptionType})")]
    private static partial void LogNoticeFailed(ILogger logger, string userId, string exceptionType);
}

/// <summary>The e-mails of the user's rights, in French or English. Plain words, no tracking.</summary>
public static class RightsEmails
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr-FR");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static string Date(DateTimeOffset at, string locale) =>
        at.UtcDateTime.ToString("d MMMM yyyy", locale == "en" ? English : French);

    public static string Date(DateOnly day, string locale) =>
        day.ToString("d MMMM yyyy", locale == "en" ? English : French);

    public static EmailMessage RestrictionLifting(string to, string locale) => locale == "en"
        ? AccountEmails.Notice(to, "JIMP will process your data again",
            "Hello,",
            "You asked to lift the restriction of the processing of your data. From now on, JIMP processes your data again: the coach, personalisation and the other features resume. If you did not ask for this, restrict processing again in the privacy center and write to the contact address in the privacy policy.")
        : AccountEmails.Notice(to, "JIMP va de nouveau traiter vos données",
            "Bonjour,",
            "Vous avez demandé la levée de la limitation du traitement de vos données. À partir de maintenant, JIMP traite de nouveau vos données : le coach, la personnalisation et les autres fonctions reprennent. Si vous ne l'avez pas demandé, limitez de nouveau le traitement dans l'espace confidentialité et écrivez à l'adresse de contact indiquée dans la politique de confidentialité.");

    public static EmailMessage RequestExtended(string to, string locale, string requestType, DateTimeOffset until, string reason) => locale == "en"
        ? AccountEmails.Notice(to, "Your JIMP request needs more time",
            "Hello,",
            $"We need more time to answer your request ({requestType}). We will answer by {Date(until, locale)} at the latest. The reason: {reason}. You may complain to the CNIL (www.cnil.fr) if you disagree.")
        : AccountEmails.Notice(to, "Votre demande à JIMP nécessite plus de temps",
            "Bonjour,",
            $"Nous avons besoin de plus de temps pour répondre à votre demande ({TypeFr(requestType)}). Nous vous répondrons au plus tard le {Date(until, locale)}. La raison : {reason}. Vous pouvez introduire une réclamation auprès de la CNIL (www.cnil.fr) si vous n'êtes pas d'accord.");

    private static string TypeFr(string type) => type switch
    {
        RequestTypes.Export => "accès et portabilité",
        RequestTypes.Erasure => "effacement",
        RequestTypes.Rectification => "rectification",
        RequestTypes.Restriction => "limitation",
        RequestTypes.Objection => "opposition",
        _ => type,
    };
}
