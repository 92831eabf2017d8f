using System.ComponentModel.DataAnnotations;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Jimp.Functions.Privacy;

/// <summary>The body of the extension of a request.</summary>
public sealed record ExtendRequestBody(
    [property: Required(ErrorMessage = "Give the new due date (ISO 8601).")] DateTimeOffset? Until,
    [property: Required(ErrorMessage = "Give the reason the user will read."), StringLength(500, ErrorMessage = "The reason is at most 500 characters.")] string? Reason);

public sealed record OpenRequestView(string UserId, string Id, string Type, DateTimeOffset ReceivedAt, DateTimeOffset DueAt, DateTimeOffset DueBy, ExtensionView? Extension, bool Overdue);

/// <summary>The open requests by due date.</summary>
public sealed record OpenRequestList(IReadOnlyList<OpenRequestView> Items);

/// <summary>An extended request; <c>notified</c> is false when the notice e-mail failed (tell the user another way).</summary>
public sealed record ExtendedRequest(RequestView Request, bool Notified);

public sealed record MinorFlagged(string RequestId, string InstanceId);

/// <summary>The owner's side of the requests, in a service so the functions stay thin.</summary>
public sealed partial class OperatorService(
    RequestTracker requests,
    AccountStore accounts,
    SessionStore sessions,
    IEmailSender email,
    PolicyDocuments policies,
    PolicyAnnouncements announcements,
    TimeProvider clock,
    MinorBlocklist blocklist,
    ILogger<OperatorService> logger)
{
    public async Task<OpenRequestList> OpenRequestsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var open = await requests.ListOpenAsync(cancellationToken);
        return new OpenRequestList(open.Select(r => new OpenRequestView(
            r.UserId,
            r.Id,
            r.Type,
            r.ReceivedAt,
            r.DueAt,
            r.EffectiveDueAt,
            r.ExtendedUntil is { } until ? new ExtensionView(until, r.ExtensionReason ?? "") : null,
            r.IsOverdue(now))).ToList());
    }

    /// <summary>Extends a request (once, before due, at most two months, with a reason) and tells the user why and until when.</summary>
    public async Task<ExtendedRequest> ExtendAsync(string userId, string requestId, ExtendRequestBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = await requests.FindAsync(userId, requestId, cancellationToken) ?? throw ProblemException.NotFound("request");
        var account = await accounts.GetAsync(userId, cancellationToken) ?? throw ProblemException.NotFound("account");
        var extended = await requests.ExtendAsync(found, body.Until!.Value, body.Reason!, cancellationToken);
        var notified = true;
        try
        {
            await email.SendAsync(RightsEmails.RequestExtended(account.Email, account.Locale, extended.Type, extended.EffectiveDueAt, extended.ExtensionReason!), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The extension stands; the owner sees notified: false and must tell the user another way.
            notified = false;
            LogNoticeFailed(logger, userId, requestId, ex.GetType().Name);
        }
        return new ExtendedRequest(RequestView.From(extended), notified);
    }

    /// <summary>
    /// A minor's account: flagged at once (no more processing), signed out everywhere, an erasure request opened
    /// and the erasure started.
    /// </summary>
    public async Task<(string RequestId, string InstanceId)> FlagMinorAsync(DurableTaskClient client, string userId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(userId, cancellationToken) ?? throw ProblemException.NotFound("account");
        // The address can no longer sign up, get a link or sign in (a keyed hash outlives the account).
        await blocklist.BlockAsync(account.Email, cancellationToken);
        if (!account.IsMinorFlagged)
        {
            await accounts.UpdateAsync(account with { IsMinorFlagged = true }, cancellationToken);
        }
        await sessions.RevokeAllAsync(userId, cancellationToken);
        var open = (await requests.ListAsync(userId, cancellationToken)).FirstOrDefault(r => r.Type == RequestTypes.Erasure && r.Status == RequestStatuses.Open)
            ?? await requests.OpenAsync(userId, RequestTypes.Erasure, cancellationToken);
        var instanceId = await ErasureOrchestration.ScheduleAsync(client, new ErasureInput(userId, open.Id, ErasureReasons.Minor), cancellationToken);
        return (open.Id, instanceId);
    }

    /// <summary>Starts the version's announcement mailing (or returns the one already started).</summary>
    public async Task<Mailings.MailingStarted> AnnounceAsync(string version, DurableTaskClient client, CancellationToken cancellationToken, string locale = "fr")
    {
        var found = policies.Versions.FirstOrDefault(v => v.Version == version) ?? throw ProblemException.NotFound("policy version");
        return await announcements.AnnounceAsync(found, client, cancellationToken, locale);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId} of user {UserId} extended, but the notice e-mail failed ({ExceptionType})")]
    private static partial void LogNoticeFailed(ILogger logger, string userId, string requestId, string exceptionType);
}

/// <summary>The owner's functions (function key). Each use is written to the security log as an operator action.</summary>
public sealed class OperatorFunctions(OperatorService operations, SecurityLog securityLog)
{
    [Function(nameof(ListOpenRequests))]
    [ApiResponse(200, typeof(OpenRequestList))]
    public async Task<IResult> ListOpenRequests(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/operator/requests")] HttpRequest request, CancellationToken cancellationToken)
    {
        await securityLog.WriteAsync(SecurityEvents.OperatorAction, null, request, "list-open-requests", cancellationToken);
        return TypedResults.Ok(await operations.OpenRequestsAsync(cancellationToken));
    }

    [Function(nameof(ExtendRequest))]
    [ApiRequest(typeof(ExtendRequestBody))]
    [ApiResponse(200, typeof(ExtendedRequest), Description = "Extended; the user is e-mailed the reason and the date. 400 extension-refused: once, before due, at most 2 months, with a reason.")]
    public async Task<IResult> ExtendRequest(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/operator/requests/{userId}/{requestId}/extend")] HttpRequest request,
        string userId, string requestId, CancellationToken cancellationToken)
    {
        RequireUserId(userId);
        var body = await request.ReadJsonAsync<ExtendRequestBody>(cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.OperatorAction, userId, request, "extend-request", cancellationToken);
        return TypedResults.Ok(await operations.ExtendAsync(userId, requestId, body, cancellationToken));
    }

    [Function(nameof(FlagMinor))]
    [ApiResponse(202, typeof(MinorFlagged), Description = "Flagged, signed out everywhere, erasure opened and started.")]
    public async Task<IResult> FlagMinor(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/operator/accounts/{userId}/minor")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string userId, CancellationToken cancellationToken)
    {
        RequireUserId(userId);
        await securityLog.WriteAsync(SecurityEvents.OperatorAction, userId, request, "flag-minor", cancellationToken);
        var (requestId, instanceId) = await operations.FlagMinorAsync(client, userId, cancellationToken);
        return TypedResults.Accepted((string?)null, new MinorFlagged(requestId, instanceId));
    }

    [Function(nameof(AnnouncePolicy))]
    [ApiResponse(202, typeof(Mailings.MailingStarted), Description = "The mailing is started (or was already: alreadyStarted, nothing sent again); follow progressUrl. 400 with a field error on effective (code notice-period: less than 30 days ahead, in the Accept-Language's language) or 409 not-material.")]
    public async Task<IResult> AnnouncePolicy(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/operator/policy/{version}/announce")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string version, CancellationToken cancellationToken)
    {
        await securityLog.WriteAsync(SecurityEvents.OperatorAction, null, request, "announce-policy:" + LoggedVersion(version), cancellationToken);
        var locale = request.Headers.AcceptLanguage.ToString().StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "fr";
        var started = await operations.AnnounceAsync(version, client, cancellationToken, locale);
        return TypedResults.Accepted(started.ProgressUrl, started);
    }

    /// <summary>
    /// The version as the security log records it: a route value is whatever the caller sent (3,000 characters,
    /// control characters), so only a well-formed version number is written, anything else as "malformed".
    /// </summary>
    public static string LoggedVersion(string version) =>
        version.Length <= 20 && System.Text.RegularExpressions.Regex.IsMatch(version, @"^[0-9]{1,4}(\.[0-9]{1,4}){0,3}$") ? version : "malformed";

    /// <summary>A user id is 32 lowercase hex characters; anything else names no account (and is never logged).</summary>
    private static void RequireUserId(string userId)
    {
        if (userId.Length != 32 || !userId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) throw ProblemException.NotFound("account");
    }
}
