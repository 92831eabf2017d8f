using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Privacy;

/// <summary>The data-subject requests JIMP tracks (GDPR Art. 15–21).</summary>
public static class RequestTypes
{
    public const string Export = "export";
    public const string Erasure = "erasure";
    public const string Rectification = "rectification";
    public const string Restriction = "restriction";
    public const string RestrictionLifted = "restriction-lifted";
    public const string Objection = "objection";
    public const string ConsentWithdrawal = "consent-withdrawal";
}

public static class RequestStatuses
{
    public const string Open = "open";
    public const string Completed = "completed";
    public const string Failed = "failed";

    /// <summary>A request received by e-mail, waiting for the person to confirm by the link sent to the account's address.</summary>
    public const string AwaitingConfirmation = "awaiting-confirmation";
}

/// <summary>How a request reached JIMP.</summary>
public static class RequestChannels
{
    public const string App = "app";
    public const string Email = "email";
}

/// <summary>One request with its legal deadline.</summary>
public sealed record PrivacyRequest(
    string UserId,
    string Id,
    string Type,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    string Status,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? ExtendedUntil,
    string? ExtensionReason,
    string Channel = RequestChannels.App,
    string? Outcome = null,
    DateTimeOffset? ConfirmedAt = null)
{
    /// <summary>Still owed an answer (open, or waiting for the person's confirmation: the legal clock runs either way).</summary>
    public bool IsPending => Status is RequestStatuses.Open or RequestStatuses.AwaitingConfirmation;

    /// <summary>The date the answer is owed by: the extension's, when there is one.</summary>
    public DateTimeOffset EffectiveDueAt => ExtendedUntil ?? DueAt;

    public bool IsOverdue(DateTimeOffset now) => IsPending && now > EffectiveDueAt;
}

/// <summary>The legal deadlines of a request.</summary>
public static class Deadlines
{
    /// <summary>The policy's promise.</summary>
    public static readonly TimeSpan PolicyPromise = TimeSpan.FromDays(30);

    /// <summary>At most two more months (GDPR Art. 12(3)).</summary>
    public const int MaxExtensionMonths = 2;

    /// <summary>
    /// The earlier of received + 30 days (the policy) and received + one calendar month (Art. 12(3)); a month
    /// from 31 January ends on the last day of February.
    /// </summary>
    public static DateTimeOffset DueAt(DateTimeOffset receivedAt)
    {
        var oneMonth = receivedAt.AddMonths(1); // .NET clamps 31 January + 1 month to 28/29 February
        var thirtyDays = receivedAt + PolicyPromise;
        return oneMonth < thirtyDays ? oneMonth : thirtyDays;
    }

    /// <summary>The latest an extension may reach: two months after the original due date.</summary>
    public static DateTimeOffset MaxExtendedDueAt(DateTimeOffset dueAt) => dueAt.AddMonths(MaxExtensionMonths);
}

/// <summary>
/// The <c>requests</c> table: every request of a user (partition = user id, newest first) with its type,
/// receipt, due date, status, completion and at most one extension.
/// </summary>
public sealed class RequestTracker(JimpStorage storage, TimeProvider clock)
{
    public const string Table = "requests";

    /// <summary>The partition of the requests of people without an account (answered "no data held"): no address, no id.</summary>
    public const string NoAccountPartition = "no-account";

    public async Task<PrivacyRequest> OpenAsync(string userId, string type, CancellationToken cancellationToken) =>
        await RecordAsync(userId, type, RequestStatuses.Open, cancellationToken);

    /// <summary>A request answered at once (e.g. a consent withdrawn in one click): recorded as completed.</summary>
    public async Task<PrivacyRequest> RecordCompletedAsync(string userId, string type, CancellationToken cancellationToken) =>
        await RecordAsync(userId, type, RequestStatuses.Completed, cancellationToken);

    private Task<PrivacyRequest> RecordAsync(string userId, string type, string status, CancellationToken cancellationToken) =>
        RecordAsync(userId, type, status, clock.GetUtcNow(), RequestChannels.App, null, cancellationToken);

    /// <summary>
    /// Records a request received at <paramref name="receivedAt"/> (the deadline counts from then) through
    /// <paramref name="channel"/>; a completed one carries its outcome.
    /// </summary>
    public async Task<PrivacyRequest> RecordAsync(string userId, string type, string status, DateTimeOffset receivedAt, string channel, string? outcome, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = new PrivacyRequest(userId, ConversationIdLike(now), type, receivedAt, Deadlines.DueAt(receivedAt), status,
            status == RequestStatuses.Completed ? now : null, null, null, channel, outcome);
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.AddEntityAsync(ToEntity(request), cancellationToken);
        return request;
    }

    /// <summary>The person confirmed a request received by e-mail: it is open from now on (the deadline still counts from receipt).</summary>
    public async Task<PrivacyRequest> ConfirmAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var confirmed = request with { Status = RequestStatuses.Open, ConfirmedAt = clock.GetUtcNow() };
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(request.UserId, request.Id) { ["Status"] = confirmed.Status, ["ConfirmedAt"] = confirmed.ConfirmedAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return confirmed;
    }

    /// <summary>Closes a request with the outcome the operator writes (what was done, or why it was refused).</summary>
    public async Task<PrivacyRequest> CloseAsync(PrivacyRequest request, string status, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var closed = request with { Status = status, Outcome = outcome, CompletedAt = clock.GetUtcNow() };
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(request.UserId, request.Id) { ["Status"] = status, ["Outcome"] = outcome, ["CompletedAt"] = closed.CompletedAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return closed;
    }

    /// <summary>Every request of every person (the owner's log; one query per 1,000 rows).</summary>
    public async Task<IReadOnlyList<PrivacyRequest>> ListAllAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<PrivacyRequest>();
        await foreach (var e in table.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            list.Add(ToRequest(e));
        }
        return list;
    }

    public async Task<PrivacyRequest?> FindAsync(string userId, string id, CancellationToken cancellationToken)
    {
        if (!TableLimitsPolicy.IsValidKey(userId) || !TableLimitsPolicy.IsValidKey(id)) return null;
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, id, cancellationToken: cancellationToken);
        return found.HasValue ? ToRequest(found.Value!) : null;
    }

    public async Task<IReadOnlyList<PrivacyRequest>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<PrivacyRequest>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, cancellationToken: cancellationToken))
        {
            list.Add(ToRequest(e));
        }
        return list;
    }

    /// <summary>Every open request of every user, by due date (the owner's view).</summary>
    public async Task<IReadOnlyList<PrivacyRequest>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<PrivacyRequest>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Status eq {RequestStatuses.Open} or Status eq {RequestStatuses.AwaitingConfirmation}"), cancellationToken: cancellationToken))
        {
            list.Add(ToRequest(e));
        }
        return list.OrderBy(r => r.EffectiveDueAt).ToList();
    }

    public async Task CompleteAsync(string userId, string id, string status, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(userId, id) { ["Status"] = status, ["CompletedAt"] = clock.GetUtcNow() }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>
    /// Extends a request once, before its due date, by up to two months, with a reason; throws when the rules
    /// do not allow it.
    /// </summary>
    public async Task<PrivacyRequest> ExtendAsync(PrivacyRequest request, DateTimeOffset until, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow();
        var problem = request switch
        {
            { IsPending: false } => "Only an open request can be extended.",
            { ExtendedUntil: not null } => "A request can be extended only once.",
            _ when now > request.DueAt => "An extension must be decided before the due date.",
            _ when until <= request.DueAt => "The extension must end after the current due date.",
            _ when until > Deadlines.MaxExtendedDueAt(request.DueAt) => "An extension is at most two months.",
            _ when string.IsNullOrWhiteSpace(reason) => "An extension needs a reason the user will read.",
            _ => null,
        };
        if (problem is not null)
        {
            throw Platform.Http.ProblemException.BadRequest(problem, "extension-refused");
        }
        var extended = request with { ExtendedUntil = until, ExtensionReason = reason.Trim() };
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(request.UserId, request.Id) { ["ExtendedUntil"] = until, ["ExtensionReason"] = extended.ExtensionReason }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return extended;
    }

    /// <summary>Newest-first, sortable, unique: the time inverted and a random tail.</summary>
    private static string ConversationIdLike(DateTimeOffset now) => Coaching.ConversationStore.NewestFirst(now) + Secrets.NewId()[..6];

    private static TableEntity ToEntity(PrivacyRequest r) => new(r.UserId, r.Id)
    {
        ["Type"] = r.Type,
        ["ReceivedAt"] = r.ReceivedAt,
        ["DueAt"] = r.DueAt,
        ["Status"] = r.Status,
        ["CompletedAt"] = r.CompletedAt,
        ["ExtendedUntil"] = r.ExtendedUntil,
        ["ExtensionReason"] = r.ExtensionReason,
        ["Channel"] = r.Channel,
        ["Outcome"] = r.Outcome,
        ["ConfirmedAt"] = r.ConfirmedAt,
    };

    private static PrivacyRequest ToRequest(TableEntity e) => new(
        e.PartitionKey, e.RowKey, e.GetString("Type"), e.GetDateTimeOffset("ReceivedAt") ?? default, e.GetDateTimeOffset("DueAt") ?? default,
        e.GetString("Status"), e.GetDateTimeOffset("CompletedAt"), e.GetDateTimeOffset("ExtendedUntil"), e.GetString("ExtensionReason"),
        e.GetString("Channel") ?? RequestChannels.App, e.GetString("Outcome"), e.GetDateTimeOffset("ConfirmedAt"));
}
