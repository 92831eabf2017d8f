using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Jimp.Functions.Privacy;

/// <summary>Why an account is erased.</summary>
public static class ErasureReasons
{
    public const string UserRequest = "user-request";
    public const string Minor = "minor";
    public const string Inactivity = "inactivity";
}

/// <param name="UserId">The account to erase.</param>
/// <param name="RequestId">The request record (in <c>requests</c>) this erasure answers.</param>
/// <param name="Reason">One of <see cref="ErasureReasons"/>.</param>
public sealed record ErasureInput(string UserId, string RequestId, string Reason);

public sealed record EraseStoreInput(string UserId, string Store);

public sealed record FinishErasureInput(string RequestId, Dictionary<string, int> Counts);

/// <summary>What an erasure needs before it starts deleting: the stores (the account last) and where to write afterwards.</summary>
/// <param name="Email">The address, read before the account is deleted, for the confirmation sent once everything is gone; null if the account is already gone.</param>
public sealed record ErasurePlan(string[] Stores, string? Email, string Locale);

/// <param name="Reason">One of <see cref="ErasureReasons"/>; null (an erasure queued before reasons reached the e-mail) reads as the user's request.</param>
public sealed record ErasureConfirmation(string RequestId, string Email, string Locale, string? Reason = null);

/// <summary>
/// The right to erasure (Art. 17): a tombstone first (request id, dates, nothing personal) and the account marked
/// as being erased (no sign-in, no change of address from then on), then every store of the registry (the account
/// last, since the other activities find the address through it), then the confirmation e-mail, retried by the
/// mail policy (an SMTP outage delays the e-mail, never the deletion, and never fails the erasure), then the
/// tombstone's counts. The address for the e-mail lives only in this orchestration's history, which is queued for
/// purging with the histories of the user's other requests. Security-log entries move under the tombstone id, a
/// keyed hash of the user id (<see cref="KeyedHash.TombstoneId"/>). Every activity is idempotent; the
/// orchestration resumes after a crash where it stopped.
/// </summary>
public sealed partial class ErasureOrchestration(
    PersonalDataRegistry registry,
    JimpStorage storage,
    AccountStore accounts,
    ExportRecords exports,
    IEmailSender email,
    IActivityFaults faults,
    KeyedHash keyedHash,
    TimeProvider clock,
    RequestTracker requests,
    ErasureEmails erasureEmails)
{
    public const string TombstoneTable = "tombstones";
    public const string PurgeQueueTable = "purgequeue";
    private const string TombstonePartition = "erasure";

    public static string InstanceIdFor(string requestId) => "erasure-" + requestId;

    [Function(nameof(EraseAccount))]
    public static async Task<int> EraseAccount([OrchestrationTrigger] TaskOrchestrationContext context, ErasureInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger(nameof(EraseAccount));
        var plan = await context.CallActivityAsync<ErasurePlan>(nameof(BeginErasure), input, ExportOrchestration.Retry);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var store in plan.Stores)
        {
            counts[store] = await context.CallActivityAsync<int>(nameof(EraseStore), new EraseStoreInput(input.UserId, store), ExportOrchestration.Retry);
        }
        if (plan.Email is not null)
        {
            var retry = await context.CallActivityAsync<MailRetry>(nameof(MailRetrySettings.GetMailRetry), "erasure", ExportOrchestration.Retry);
            try
            {
                await context.CallActivityAsync(nameof(SendErasureConfirmation), new ErasureConfirmation(input.RequestId, plan.Email, plan.Locale, input.Reason), retry.ToTaskOptions());
            }
            catch (TaskFailedException)
            {
                // Everything is already deleted: a confirmation that cannot be sent is recorded, it does not undo the erasure.
                await context.CallActivityAsync(nameof(RecordConfirmationFailure), input.RequestId, ExportOrchestration.Retry);
                LogConfirmationFailed(logger, input.RequestId, retry.Attempts);
            }
        }
        await context.CallActivityAsync(nameof(FinishErasure), new FinishErasureInput(input.RequestId, counts), ExportOrchestration.Retry);
        LogErased(logger, input.RequestId, counts.Values.Sum());
        return counts.Values.Sum();
    }

    /// <summary>
    /// Writes the tombstone, marks the account as being erased, queues the user's orchestration histories for
    /// purging, and returns the stores (account last) with the address for the confirmation.
    /// </summary>
    [Function(nameof(BeginErasure))]
    public async Task<ErasurePlan> BeginErasure([ActivityTrigger] ErasureInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        faults.BeforeRun(nameof(BeginErasure), input.RequestId);
        var tombstones = await storage.TableAsync(TombstoneTable);
        var existing = await tombstones.GetEntityIfExistsAsync<TableEntity>(TombstonePartition, input.RequestId);
        if (!existing.HasValue)
        {
            // The request's dates and channel (nothing personal) outlive it here: the owner's log shows the deadline was met.
            var request = await requests.FindAsync(input.UserId, input.RequestId, CancellationToken.None);
            await tombstones.UpsertEntityAsync(new TableEntity(TombstonePartition, input.RequestId)
            {
                ["Reason"] = input.Reason,
                // The keyed hash of the user id (one-way without the key): what the security log is kept under and
                // what a restore from backup matches rows against, so an erased person never comes back.
                ["Subject"] = keyedHash.TombstoneId(input.UserId),
                ["StartedAt"] = clock.GetUtcNow(),
                ["Status"] = "started",
                ["ReceivedAt"] = request?.ReceivedAt,
                ["DueAt"] = request?.EffectiveDueAt,
                ["Channel"] = request?.Channel,
            }, TableUpdateMode.Replace);
        }
        var account = await accounts.GetAsync(input.UserId, CancellationToken.None);
        if (account is not null) await accounts.MarkErasingAsync(input.UserId, clock.GetUtcNow(), CancellationToken.None);
        var queue = await storage.TableAsync(PurgeQueueTable);
        var instances = new List<string> { InstanceIdFor(input.RequestId) };
        foreach (var export in await exports.ListAsync(input.UserId, clock.GetUtcNow(), CancellationToken.None))
        {
            instances.Add(ExportOrchestration.InstanceIdFor(export.Id));
        }
        foreach (var instance in instances)
        {
            await queue.UpsertEntityAsync(new TableEntity("instances", instance) { ["QueuedAt"] = clock.GetUtcNow() }, TableUpdateMode.Replace);
        }
        var stores = registry.Stores.Select(s => s.Name).OrderBy(n => n == AccountStore.UsersTable ? 1 : 0).ToArray();
        return new ErasurePlan(stores, account?.Email, account?.Locale ?? "fr");
    }

    /// <summary>Tells the person their account was erased, once everything is deleted; sent once (at least once if SMTP drops the answer).</summary>
    [Function(nameof(SendErasureConfirmation))]
    public async Task SendErasureConfirmation([ActivityTrigger] ErasureConfirmation input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var tombstones = await storage.TableAsync(TombstoneTable);
        var tombstone = await tombstones.GetEntityAsync<TableEntity>(TombstonePartition, input.RequestId);
        if (tombstone.Value.GetDateTimeOffset("ConfirmationSentAt") is not null) return;
        faults.BeforeRun(nameof(SendErasureConfirmation), input.RequestId);
        await email.SendAsync(erasureEmails.For(input.Reason ?? ErasureReasons.UserRequest, input.Locale, input.Email), CancellationToken.None);
        await tombstones.UpdateEntityAsync(new TableEntity(TombstonePartition, input.RequestId) { ["ConfirmationSentAt"] = clock.GetUtcNow() }, ETag.All, TableUpdateMode.Merge);
    }

    /// <summary>Notes on the tombstone that the confirmation could not be sent (nothing personal: a date).</summary>
    [Function(nameof(RecordConfirmationFailure))]
    public async Task RecordConfirmationFailure([ActivityTrigger] string requestId)
    {
        var tombstones = await storage.TableAsync(TombstoneTable);
        await tombstones.UpdateEntityAsync(new TableEntity(TombstonePartition, requestId) { ["ConfirmationFailedAt"] = clock.GetUtcNow() }, ETag.All, TableUpdateMode.Merge);
    }

    /// <summary>Erases one store; finds the address through the account while it still exists.</summary>
    [Function(nameof(EraseStore))]
    public async Task<int> EraseStore([ActivityTrigger] EraseStoreInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        faults.BeforeRun(nameof(EraseStore), input.Store);
        var account = await accounts.GetAsync(input.UserId, CancellationToken.None);
        return await registry[input.Store].EraseAsync(new ErasureSubject(input.UserId, account?.Email, keyedHash.TombstoneId(input.UserId)), CancellationToken.None);
    }

    /// <summary>Completes the tombstone: the proof that the erasure was done, with counts per store and nothing personal.</summary>
    [Function(nameof(FinishErasure))]
    public async Task FinishErasure([ActivityTrigger] FinishErasureInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var tombstones = await storage.TableAsync(TombstoneTable);
        await tombstones.UpdateEntityAsync(new TableEntity(TombstonePartition, input.RequestId)
        {
            ["Status"] = "completed",
            ["CompletedAt"] = clock.GetUtcNow(),
            ["Counts"] = JsonSerializer.Serialize(input.Counts),
        }, ETag.All, TableUpdateMode.Merge);
        // The owner's log: the request is answered, and its row no longer carries the user id.
        var tombstone = (await tombstones.GetEntityAsync<TableEntity>(TombstonePartition, input.RequestId)).Value;
        await requests.CloseErasureAsync(input.RequestId, "Account erased (" + (tombstone.GetString("Reason") ?? "request") + ")",
            tombstone.GetDateTimeOffset("ReceivedAt"), tombstone.GetDateTimeOffset("DueAt"), tombstone.GetString("Channel"), CancellationToken.None);
    }

    /// <summary>Starts the erasure of an account.</summary>
    public static async Task<string> ScheduleAsync(DurableTaskClient client, ErasureInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        var instanceId = InstanceIdFor(input.RequestId);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(EraseAccount), input, new StartOrchestrationOptions(instanceId), cancellationToken);
        return instanceId;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasure {RequestId}: data deleted, but the confirmation e-mail failed {Attempts} times; recorded on the tombstone")]
    private static partial void LogConfirmationFailed(ILogger logger, string requestId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Erasure {RequestId} completed: {Records} records erased or pseudonymised")]
    private static partial void LogErased(ILogger logger, string requestId, int records);
}
