using System.ComponentModel.DataAnnotations;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Operators;

/// <summary>The kinds of request a person may send by e-mail, as the console names them.</summary>
public static class EmailedKinds
{
    public static IReadOnlyDictionary<string, string> ToRequestType { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["access"] = RequestTypes.Export,
        ["rectification"] = RequestTypes.Rectification,
        ["erasure"] = RequestTypes.Erasure,
        ["restriction"] = RequestTypes.Restriction,
        ["objection"] = RequestTypes.Objection,
        ["consent-withdrawal"] = RequestTypes.ConsentWithdrawal,
    };
}

public sealed record AddressBody([property: Required(ErrorMessage = "Enter the person's e-mail address.")] string? Email);

/// <summary>A request received by e-mail, as the operator records it.</summary>
public sealed record EmailedRequestBody(
    [property: Required(ErrorMessage = "Enter the address the request came from.")] string? Email,
    [property: Required(ErrorMessage = "Choose the kind of request.")] string? Kind,
    [property: Required(ErrorMessage = "Enter the date the e-mail was received.")] DateOnly? ReceivedOn,
    [property: RegularExpression("^(fr|en)$", ErrorMessage = "locale must be fr or en.")] string? Locale,
    string? Confirm);

/// <summary>Flags a minor by address; the address typed again confirms it.</summary>
public sealed record MinorBody(
    [property: Required(ErrorMessage = "Enter the address of the account.")] string? Email,
    [property: Required(ErrorMessage = "Type the address again to confirm.")] string? Confirm);

public sealed record CloseRequestBody(
    [property: Required(ErrorMessage = "Write the outcome (what was done, or why it was refused)."), StringLength(1000, MinimumLength = 2, ErrorMessage = "The outcome is 2 to 1,000 characters.")] string? Outcome,
    [property: RegularExpression("^(completed|refused)$", ErrorMessage = "status must be completed or refused.")] string? Status);

public sealed record ConfirmRequestBody([property: Required, StringLength(64, MinimumLength = 20)] string? Token);

/// <summary>One request as the console lists it. <c>UserId</c> is null for people without an account and for erased accounts.</summary>
public sealed record ConsoleRequestRow(
    string? UserId,
    string Id,
    string Type,
    string Channel,
    string Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    DateTimeOffset DueBy,
    ExtensionView? Extension,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? CompletedAt,
    string? Outcome,
    bool Overdue,
    bool DueThisWeek,
    bool? MetDeadline)
{
    public static ConsoleRequestRow From(PrivacyRequest r, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.UserId == RequestTracker.NoAccountPartition ? null : r.UserId, r.Id, r.Type, r.Channel, r.Status, r.ReceivedAt, r.DueAt, r.EffectiveDueAt,
            r.ExtendedUntil is { } until ? new ExtensionView(until, r.ExtensionReason ?? "") : null, r.ConfirmedAt, r.CompletedAt, r.Outcome,
            r.IsOverdue(now), r.IsPending && !r.IsOverdue(now) && r.EffectiveDueAt - now <= TimeSpan.FromDays(7),
            r.CompletedAt is { } done ? done <= r.EffectiveDueAt : null);
    }
}

public sealed record LookupResult(bool Found, string? UserId, DateTimeOffset? CreatedAt, DateTimeOffset? LastSignInAt, string? Locale, bool Restricted, bool MinorFlagged, bool Blocked, IReadOnlyList<ConsoleRequestRow> Requests);

/// <summary>What a request received by e-mail became.</summary>
public sealed record EmailedRequestResult(string Outcome, ConsoleRequestRow Request, bool Notified);

public sealed record ConfirmRequestResult(string Type, string Status);

public sealed record MinorFlagResult(bool Blocked, DateTimeOffset BlockedUntil, bool AccountFound, string? RequestId);

/// <summary>
/// The console's requests: the log (pending first, by due date; closed ones with whether the deadline was met),
/// the lookup of an address, the requests received by e-mail (confirmed by a link to the account's own address),
/// and the minors. The lookup's answer goes to operators only.
/// </summary>
public sealed class ConsoleRequests(
    RequestTracker requests,
    AccountStore accounts,
    SessionStore sessions,
    ProfileStore profiles,
    ConsentLedger consents,
    ExportRecords exports,
    SignInTokens tokens,
    MinorBlocklist blocklist,
    OperatorService operations,
    IEmailSender email,
    RateLimits rateLimits,
    IEnumerable<IInsightsSource> insightsSources,
    IOptions<OperatorOptions> options,
    IOptions<AppOptions> app,
    TimeProvider clock)
{
    /// <summary>How many calendar months of answered requests the console lists (the evidence pack has them all).</summary>
    public const int ClosedMonthsShown = 3;

    /// <summary>The first day of the oldest month the console lists answered requests for.</summary>
    public DateOnly ClosedSince => requests.LogSince(ClosedMonthsShown);

    /// <summary>
    /// The log: pending requests first, by due date; then the requests answered in the last
    /// <paramref name="months"/> months (all of them when null), newest first. It reads the request log's
    /// pending partition and one partition per month: what is due, never the whole tables.
    /// </summary>
    public async Task<(IReadOnlyList<ConsoleRequestRow> Pending, IReadOnlyList<ConsoleRequestRow> Closed)> LogAsync(int? months, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (open, answered) = await requests.ReadLogAsync(months, cancellationToken);
        var pending = open.Select(r => ConsoleRequestRow.From(r, now)).OrderBy(r => r.DueBy).ToList();
        var closed = answered.Select(r => ConsoleRequestRow.From(r, now)).OrderByDescending(r => r.CompletedAt ?? r.ReceivedAt).ToList();
        return (pending, closed);
    }

    public async Task<LookupResult> LookupAsync(AddressBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var address = AccountService.ValidateEmail(body.Email, "email");
        var blocked = await blocklist.IsBlockedAsync(address, cancellationToken);
        var userId = await accounts.FindUserIdByEmailAsync(address, cancellationToken);
        var account = userId is null ? null : await accounts.GetAsync(userId, cancellationToken);
        if (account is null) return new LookupResult(false, null, null, null, null, false, false, blocked, []);
        var now = clock.GetUtcNow();
        var list = (await requests.ListAsync(account.UserId, cancellationToken)).OrderByDescending(r => r.ReceivedAt).Select(r => ConsoleRequestRow.From(r, now)).ToList();
        return new LookupResult(true, account.UserId, account.CreatedAt, account.LastSignInAt, account.Locale, account.Restricted, account.IsMinorFlagged, blocked, list);
    }

    /// <summary>
    /// Records a request received by e-mail. With an account: waiting for the person's confirmation by a link to
    /// the account's address. Without: answered at once, "no data held", and recorded without the address.
    /// </summary>
    public async Task<EmailedRequestResult> RecordEmailedAsync(EmailedRequestBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string address = "";
        try
        {
            address = AccountService.ValidateEmail(body.Email, "email");
        }
        catch (RequestValidationException ex)
        {
            foreach (var (k, v) in ex.Errors) errors[k] = v;
        }
        if (!EmailedKinds.ToRequestType.TryGetValue(body.Kind ?? "", out var type))
        {
            errors["kind"] = ["Choose one of: " + string.Join(", ", EmailedKinds.ToRequestType.Keys) + "."];
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (body.ReceivedOn is { } on && on > today)
        {
            errors["receivedOn"] = ["The date received cannot be in the future."];
        }
        else if (body.ReceivedOn is { } old && old < today.AddYears(-1))
        {
            errors["receivedOn"] = ["The date received is more than a year ago: check it."];
        }
        if (type == RequestTypes.Erasure && errors.Count == 0 && AccountStore.NormaliseEmail(body.Confirm ?? "") != AccountStore.NormaliseEmail(address))
        {
            errors["confirm"] = ["Type the address again to confirm an erasure."];
        }
        if (errors.Count > 0) throw new RequestValidationException(errors);

        var receivedAt = new DateTimeOffset(body.ReceivedOn!.Value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var now = clock.GetUtcNow();
        var userId = await accounts.FindUserIdByEmailAsync(address, cancellationToken);
        var account = userId is null ? null : await accounts.GetAsync(userId, cancellationToken);
        if (account is null)
        {
            var locale = body.Locale ?? "fr";
            var answered = await requests.RecordAsync(RequestTracker.NoAccountPartition, type!, RequestStatuses.Completed, receivedAt, RequestChannels.Email, "No data held", cancellationToken);
            var sent = await TrySendAsync(ConsoleEmails.NoDataHeld(address, locale, type!, receivedAt), cancellationToken);
            return new EmailedRequestResult("no-data-held", ConsoleRequestRow.From(answered, now), sent);
        }
        var recorded = await requests.RecordAsync(account.UserId, type!, RequestStatuses.AwaitingConfirmation, receivedAt, RequestChannels.Email, null, cancellationToken);
        var lifetime = options.Value.RequestConfirmationLinkLifetime;
        var token = await tokens.CreateAsync(TokenPurpose.RequestConfirmation, account.Email, account.UserId, account.Locale, account.AcceptedPolicyVersion, now + lifetime, cancellationToken, recorded.Id);
        var link = new Uri($"{app.Value.PublicBaseUrl.TrimEnd('/')}/#/confirm-request?token={token}");
        var notified = await TrySendAsync(ConsoleEmails.ConfirmRequest(account.Email, account.Locale, type!, receivedAt, link, lifetime), cancellationToken);
        return new EmailedRequestResult("awaiting-confirmation", ConsoleRequestRow.From(recorded, now), notified);
    }

    /// <summary>
    /// The person followed the confirmation link: the request opens and runs as the same request made in the app
    /// would (erasure and access by their orchestrations; restriction, objection and withdrawal at once;
    /// rectification is done by the operator, who closes it).
    /// </summary>
    public async Task<ConfirmRequestResult> ConfirmAsync(string token, ClientInfo caller, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await rateLimits.HitAsync(RateLimits.IpKey("confirm-ip", caller), 60, TimeSpan.FromHours(1), cancellationToken);
        var (check, link) = await tokens.ConsumeAsync(token, clock.GetUtcNow(), cancellationToken, TokenPurpose.RequestConfirmation);
        if (check != TokenCheck.Valid)
        {
            throw check switch
            {
                TokenCheck.Expired => ProblemException.BadRequest("This link has expired. Write to us again and we will send a new one.", "token-expired"),
                TokenCheck.Used => ProblemException.BadRequest("This link has already been used: your request is confirmed.", "token-used"),
                _ => ProblemException.BadRequest("This link is not valid.", "token-invalid"),
            };
        }
        var found = await requests.FindAsync(link!.UserId!, link.RequestId ?? "", cancellationToken);
        if (found is null || found.Status != RequestStatuses.AwaitingConfirmation)
        {
            throw ProblemException.BadRequest("This request is no longer waiting for a confirmation.", "token-used");
        }
        var confirmed = await requests.ConfirmAsync(found, cancellationToken);
        var account = await accounts.GetAsync(confirmed.UserId, cancellationToken) ?? throw ProblemException.BadRequest("This link is not valid.", "token-invalid");
        switch (confirmed.Type)
        {
            case RequestTypes.Erasure:
                await ErasureOrchestration.ScheduleAsync(client, new ErasureInput(account.UserId, confirmed.Id, ErasureReasons.UserRequest), cancellationToken);
                break;
            case RequestTypes.Export:
                await ExportOrchestration.StartForRequestAsync(client, exports, account.UserId, account.Locale, confirmed.Id, clock.GetUtcNow(), cancellationToken);
                break;
            case RequestTypes.Restriction:
                await sessions.UpdateContextAsync(account.UserId, new SessionContext(true, await profiles.GetJsonAsync(account.UserId, cancellationToken)), cancellationToken);
                await accounts.UpdateAsync(account with { Restricted = true }, cancellationToken);
                confirmed = await requests.CloseAsync(confirmed, RequestStatuses.Completed, "Processing restricted", cancellationToken);
                break;
            case RequestTypes.Objection:
                await accounts.UpdateAsync(account with { ObjectsToInsights = true }, cancellationToken);
                await sessions.SetObjectionAsync(account.UserId, true, cancellationToken);
                await insightsSources.ForgetAsync(account.UserId, cancellationToken); // the questions asked before the objection
                confirmed = await requests.CloseAsync(confirmed, RequestStatuses.Completed, "Excluded from aggregate insights and service improvement", cancellationToken);
                break;
            case RequestTypes.ConsentWithdrawal:
                foreach (var state in await consents.CurrentAsync(account.UserId, cancellationToken))
                {
                    if (state.Granted) await consents.AppendAsync(account.UserId, state.Purpose.Id, false, ConsentChannels.EmailLink, cancellationToken);
                }
                confirmed = await requests.CloseAsync(confirmed, RequestStatuses.Completed, "Every consent withdrawn", cancellationToken);
                break;
            default:
                break; // rectification: the operator makes the change and closes the request with its outcome
        }
        return new ConfirmRequestResult(confirmed.Type, confirmed.Status);
    }

    public async Task<ConsoleRequestRow> CloseAsync(string userId, string requestId, CloseRequestBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = await requests.FindAsync(userId, requestId, cancellationToken) ?? throw ProblemException.NotFound("request");
        if (!found.IsPending) throw new ProblemException(409, "Already closed.", "This request is already closed.") { Code = "request-closed" };
        var closed = await requests.CloseAsync(found, body.Status ?? RequestStatuses.Completed, body.Outcome!.Trim(), cancellationToken);
        return ConsoleRequestRow.From(closed, clock.GetUtcNow());
    }

    /// <summary>Flags a minor by address: the address is blocked (keyed hash) and, if it has an account, the erasure starts.</summary>
    public async Task<MinorFlagResult> FlagMinorAsync(MinorBody body, DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var address = AccountService.ValidateEmail(body.Email, "email");
        if (AccountStore.NormaliseEmail(body.Confirm ?? "") != AccountStore.NormaliseEmail(address))
        {
            throw RequestValidationException.For("confirm", "Type the address again to confirm.");
        }
        var until = await blocklist.BlockAsync(address, cancellationToken);
        var userId = await accounts.FindUserIdByEmailAsync(address, cancellationToken);
        if (userId is null || await accounts.GetAsync(userId, cancellationToken) is null) return new MinorFlagResult(true, until, false, null);
        var (requestId, _) = await operations.FlagMinorAsync(client, userId, cancellationToken);
        return new MinorFlagResult(true, until, true, requestId);
    }

    private async Task<bool> TrySendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await email.SendAsync(message, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Recorded all the same; the console shows notified: false and the operator answers another way.
            return false;
        }
    }
}

/// <summary>The e-mails of the requests received by e-mail, in French or English.</summary>
public static class ConsoleEmails
{
    public static string KindFr(string type) => type switch
    {
        RequestTypes.Export => "accès à vos données",
        RequestTypes.Erasure => "effacement de vos données",
        RequestTypes.Rectification => "rectification",
        RequestTypes.Restriction => "limitation du traitement",
        RequestTypes.Objection => "opposition",
        RequestTypes.ConsentWithdrawal => "retrait du consentement",
        _ => type,
    };

    public static string KindEn(string type) => type switch
    {
        RequestTypes.Export => "access to your data",
        RequestTypes.Erasure => "erasure of your data",
        RequestTypes.Rectification => "rectification",
        RequestTypes.Restriction => "restriction of processing",
        RequestTypes.Objection => "objection",
        RequestTypes.ConsentWithdrawal => "withdrawal of consent",
        _ => type,
    };

    public static EmailMessage ConfirmRequest(string to, string locale, string type, DateTimeOffset receivedAt, Uri link, TimeSpan lifetime) => locale == "en"
        ? AccountEmails.WithLink(to, "Confirm your request to JIMP", "Hello,",
            $"We received your request ({KindEn(type)}) by e-mail on {RightsEmails.Date(receivedAt, locale)}. To make sure it comes from the holder of this JIMP account, please confirm it by opening this link:",
            link, "Confirm my request",
            $"The link works for {(int)lifetime.TotalDays} days. We ask for nothing else. If you did not send this request, ignore this e-mail: nothing will happen.")
        : AccountEmails.WithLink(to, "Confirmez votre demande à JIMP", "Bonjour,",
            $"Nous avons reçu votre demande ({KindFr(type)}) par e-mail le {RightsEmails.Date(receivedAt, locale)}. Pour nous assurer qu'elle vient bien du titulaire de ce compte JIMP, merci de la confirmer en ouvrant ce lien :",
            link, "Confirmer ma demande",
            $"Le lien fonctionne pendant {(int)lifetime.TotalDays} jours. Nous ne vous demandons rien d'autre. Si vous n'avez pas envoyé cette demande, ignorez cet e-mail : rien ne se passera.");

    public static EmailMessage NoDataHeld(string to, string locale, string type, DateTimeOffset receivedAt) => locale == "en"
        ? AccountEmails.Notice(to, "Your request to JIMP: we hold no data about you", "Hello,",
            $"We received your request ({KindEn(type)}) on {RightsEmails.Date(receivedAt, locale)}. No JIMP account uses this address, and we hold no personal data linked to it. If you used another address, write to us from it. You may complain to the CNIL (www.cnil.fr).")
        : AccountEmails.Notice(to, "Votre demande à JIMP : nous ne détenons aucune donnée vous concernant", "Bonjour,",
            $"Nous avons reçu votre demande ({KindFr(type)}) le {RightsEmails.Date(receivedAt, locale)}. Aucun compte JIMP n'utilise cette adresse et nous ne détenons aucune donnée personnelle qui lui soit liée. Si vous avez utilisé une autre adresse, écrivez-nous depuis celle-ci. Vous pouvez introduire une réclamation auprès de la CNIL (www.cnil.fr).");
}
