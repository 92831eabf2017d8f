using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

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

/// <summary>Erases an account: every store of the registry, then its own history (work in progress).</summary>
public static class ErasureOrchestration
{
    /// <summary>The instance id of an account's erasure: one per account, so starting twice does not erase twice.</summary>
    public static string InstanceIdFor(string userId) => "erasure-" + userId;

    /// <summary>Starts the erasure of an account (idempotent: an erasure already under way is left alone).</summary>
    public static async Task<string> ScheduleAsync(DurableTaskClient client, ErasureInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        var instanceId = InstanceIdFor(input.UserId);
        var existing = await client.GetInstanceAsync(instanceId, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
        {
            return instanceId;
        }
        await client.ScheduleNewOrchestrationInstanceAsync("EraseAccount", input, new StartOrchestrationOptions(instanceId), cancellationToken);
        return instanceId;
    }
}
