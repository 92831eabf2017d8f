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
/// <para>
/// Beside it, the owner's log (<c>requestlog</c>), written with every change so the console and the timers read
/// what is due, never the whole tables: partition <c>pending</c> holds the requests still owed an answer (with
/// the user id, to act on them); partitions <c>closed-yyyy-MM</c> hold the answered ones by month of the answer,
/// without any user id, so they outlive an erased account as the proof that each deadline was met.
/// </para>
/// </summary>
public sealed class RequestTracker(JimpStorage storage, TimeProvider clock)
{
    public const string Table = "requests";

    /// <summary>The owner's log of requests: <c>pending</c>, and <c>closed-yyyy-MM</c> without user ids.</summary>
    public const string LogTable = "requestlog";

    public const string PendingPartition = "pending";

    /// <summary>Ids drawn before a collision (same tick, same random part) is an error.</summary>
    private const int MaxIdAttempts = 5;

    private const string ClosedPrefix = "closed-";

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
        var table = await storage.TableAsync(Table, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var request = new PrivacyRequest(userId, ConversationIdLike(now), type, receivedAt, Deadlines.DueAt(receivedAt), status,
                status == RequestStatuses.Completed ? now : null, null, null, channel, outcome);
            try
            {
                await table.AddEntityAsync(ToEntity(request), cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 409 && attempt < MaxIdAttempts)
            {
                // Two requests of one partition in the same tick drew the same 24 random bits (the
                // no-account partition takes many): draw again rather than fail the person's request.
                continue;
            }
            await WriteLogAsync(request, cancellationToken);
            return request;
        }
    }

    /// <summary>The person confirmed a request received by e-mail: it is open from now on (the deadline still counts from receipt).</summary>
    public async Task<PrivacyRequest> ConfirmAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var confirmed = request with { Status = RequestStatuses.Open, ConfirmedAt = clock.GetUtcNow() };
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(request.UserId, request.Id) { ["Status"] = confirmed.Status, ["ConfirmedAt"] = confirmed.ConfirmedAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        await WriteLogAsync(confirmed, cancellationToken);
        return confirmed;
    }

    /// <summary>Closes a request with the outcome the operator writes (what was done, or why it was refused).</summary>
    public async Task<PrivacyRequest> CloseAsync(PrivacyRequest request, string status, string outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var closed = request with { Status = status, Outcome = outcome, CompletedAt = clock.GetUtcNow() };
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpdateEntityAsync(new TableEntity(request.UserId, request.Id) { ["Status"] = status, ["Outcome"] = outcome, ["CompletedAt"] = closed.CompletedAt }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        await WriteLogAsync(closed, cancellationToken);
        return closed;
    }

    /// <summary>
    /// The owner's log: every pending request, and the requests answered in the last <paramref name="months"/>
    /// calendar months (this one included); all answered ones when <paramref name="months"/> is null. It reads
    /// the pending partition and one partition per month, never the <c>requests</c> table.
    /// </summary>
    public async Task<(IReadOnlyList<PrivacyRequest> Pending, IReadOnlyList<PrivacyRequest> Closed)> ReadLogAsync(int? months, CancellationToken cancellationToken)
    {
        var log = await storage.TableAsync(LogTable, cancellationToken);
        var pending = await ReadPartitionAsync(log, PendingPartition, cancellationToken);
        var closed = new List<PrivacyRequest>();
        if (months is { } count)
        {
            var month = ThisMonth();
            for (var i = 0; i < count; i++)
            {
                closed.AddRange(await ReadPartitionAsync(log, ClosedPartition(month.AddMonths(-i)), cancellationToken));
            }
        }
        else
        {
            await foreach (var e in log.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {ClosedPrefix} and PartitionKey lt {"closed."}"), cancellationToken: cancellationToken))
            {
                closed.Add(FromLog(e));
            }
        }
        // A crash between writing a request's closed row and deleting its pending one leaves both: closed wins.
        var answered = closed.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        return (pending.Where(r => !answered.Contains(r.Id)).ToList(), closed);
    }

    /// <summary>The first day of the oldest month <see cref="ReadLogAsync"/> returns for <paramref name="months"/>.</summary>
    public DateOnly LogSince(int months) => ThisMonth().AddMonths(1 - months);

    private DateOnly ThisMonth()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateOnly(now.Year, now.Month, 1);
    }

    private static async Task<List<PrivacyRequest>> ReadPartitionAsync(TableClient log, string partition, CancellationToken cancellationToken)
    {
        var list = new List<PrivacyRequest>();
        await foreach (var e in log.QueryAsync<TableEntity>(x => x.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            list.Add(FromLog(e));
        }
        return list;
    }

    /// <summary>
    /// An erasure finished: its pending row (the last place the user id was) becomes a closed row without it.
    /// For an erasure started before the log existed, the tombstone's dates are used.
    /// </summary>
    public async Task CloseErasureAsync(string requestId, string outcome, DateTimeOffset? receivedAt, DateTimeOffset? dueAt, string? channel, CancellationToken cancellationToken)
    {
        var log = await storage.TableAsync(LogTable, cancellationToken);
        var found = await log.GetEntityIfExistsAsync<TableEntity>(PendingPartition, requestId, cancellationToken: cancellationToken);
        var now = clock.GetUtcNow();
        var received = receivedAt ?? now;
        var request = found.HasValue
            ? FromLog(found.Value!)
            : new PrivacyRequest(NoAccountPartition, requestId, RequestTypes.Erasure, received, dueAt ?? Deadlines.DueAt(received), RequestStatuses.Open, null, null, null, channel ?? RequestChannels.App);
        await WriteLogAsync(request with { Status = RequestStatuses.Completed, CompletedAt = now, Outcome = outcome }, cancellationToken);
    }

    /// <summary>
    /// The account is being erased: its pending requests lose the user id in the log. The erasure itself stays
    /// pending until <see cref="CloseErasureAsync"/> (the owner sees an erasure that never finishes); the others
    /// are closed ("account erased").
    /// </summary>
    public async Task<int> CloseForErasedAccountAsync(string userId, CancellationToken cancellationToken)
    {
        var log = await storage.TableAsync(LogTable, cancellationToken);
        var closed = 0;
        foreach (var request in await ReadPartitionAsync(log, PendingPartition, cancellationToken))
        {
            if (request.UserId != userId) continue;
            await WriteLogAsync(request.Type == RequestTypes.Erasure
                ? request with { UserId = NoAccountPartition } // still pending, without the id, until the erasure finishes
                : request with { Status = RequestStatuses.Completed, CompletedAt = clock.GetUtcNow(), Outcome = "Account erased before the answer: no data left to give" }, cancellationToken);
            closed++;
        }
        return closed;
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

    /// <summary>Every pending request of every user, by due date (the owner's view): one partition of the log.</summary>
    public async Task<IReadOnlyList<PrivacyRequest>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var (pending, _) = await ReadLogAsync(0, cancellationToken);
        return pending.OrderBy(r => r.EffectiveDueAt).ToList();
    }

    public async Task CompleteAsync(string userId, string id, string status, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var now = clock.GetUtcNow();
        await table.UpdateEntityAsync(new TableEntity(userId, id) { ["Status"] = status, ["CompletedAt"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        if (await FindAsync(userId, id, cancellationToken) is { } request) await WriteLogAsync(request, cancellationToken);
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
        await WriteLogAsync(extended, cancellationToken);
        return extended;
    }

    /// <summary>
    /// Writes the request's row in the owner's log: pending (with the user id), or closed in the month of its
    /// answer (without it, then the pending row is removed).
    /// </summary>
    private async Task WriteLogAsync(PrivacyRequest request, CancellationToken cancellationToken)
    {
        var log = await storage.TableAsync(LogTable, cancellationToken);
        if (request.IsPending)
        {
            var row = RowOf(PendingPartition, request);
            if (request.UserId != NoAccountPartition) row["UserId"] = request.UserId;
            await log.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
            return;
        }
        var completed = request.CompletedAt ?? clock.GetUtcNow();
        await log.UpsertEntityAsync(RowOf(ClosedPartition(DateOnly.FromDateTime(completed.UtcDateTime)), request with { CompletedAt = completed }), TableUpdateMode.Replace, cancellationToken);
        try
        {
            await log.DeleteEntityAsync(PendingPartition, request.Id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Never pending (answered at once), or already moved.
        }
    }

    private static string ClosedPartition(DateOnly day) => ClosedPrefix + day.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The request's properties in a row of <paramref name="partition"/> (the user's, or one of the log's).</summary>
    private static TableEntity RowOf(string partition, PrivacyRequest r) => new(partition, r.Id)
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

    /// <summary>Newest-first, sortable, unique: the time inverted and a random tail.</summary>
    private static string ConversationIdLike(DateTimeOffset now) => Coaching.ConversationStore.NewestFirst(now) + Secrets.NewId()[..6];

    /// <summary>A user's row in <c>requests</c>: the partition is the user id.</summary>
    private static TableEntity ToEntity(PrivacyRequest r) => RowOf(r.UserId, r);

    private static PrivacyRequest ToRequest(TableEntity e) => ToRequest(e, e.PartitionKey);

    /// <summary>A row of the log: the user id is a property, on pending rows only.</summary>
    private static PrivacyRequest FromLog(TableEntity e) => ToRequest(e, e.GetString("UserId") ?? NoAccountPartition);

    private static PrivacyRequest ToRequest(TableEntity e, string userId) => new(
        userId, e.RowKey, e.GetString("Type"), e.GetDateTimeOffset("ReceivedAt") ?? default, e.GetDateTimeOffset("DueAt") ?? default,
        e.GetString("Status"), e.GetDateTimeOffset("CompletedAt"), e.GetDateTimeOffset("ExtendedUntil"), e.GetString("ExtensionReason"),
        e.GetString("Channel") ?? RequestChannels.App, e.GetString("Outcome"), e.GetDateTimeOffset("ConfirmedAt"));
}

/// <summary>
/// The owner's request log (<see cref="RequestTracker.LogTable"/>): only its pending rows name a user (so the
/// owner can act on them); answered rows carry no user id. Nothing to export (it repeats the user's requests).
/// Erasure closes the user's pending requests without the id; a pending erasure is closed when it finishes.
/// </summary>
public sealed class RequestLogStore(RequestTracker requests) : IPersonalDataStore
{
    public string Name => RequestTracker.LogTable;

    public (string Fr, string En) Title => ("Journal des demandes", "Request log");

    public string Purpose => "Show the owner which rights requests are due and prove each deadline was met.";

    public string LegalBasis => "Legal obligation (Art. 6(1)(c), Art. 12 and 5(2))";

    public string Retention => "The user id only while the request is pending; answered requests are kept without it, as proof.";

    public PersonalDataTexts French => new("Montrer au responsable quelles demandes arrivent à échéance et prouver que chaque délai a été tenu.",
        "Obligation légale (art. 6.1.c, art. 12 et 5.2 RGPD)",
        "L'identifiant du compte seulement tant que la demande est en cours ; les demandes traitées sont gardées sans lui, comme preuve.");

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]);

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return await requests.CloseForErasedAccountAsync(subject.UserId, cancellationToken);
    }
}
