using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Jimp.Functions.Privacy;

/// <summary>
/// Starts again the erasures that did not finish: an open erasure request whose orchestration failed (an activity
/// used up its retries, e.g. storage down for longer than they last) or was terminated, and an erasure asked in the
/// app whose orchestration never started (the request was recorded, then scheduling failed). Every activity is
/// idempotent, so a restart finishes what the first run left. Run by housekeeping (hourly) before it purges
/// finished histories, so a failed erasure is restarted, never purged and forgotten.
/// </summary>
public sealed partial class ErasureRecovery(RequestTracker requests, TimeProvider clock, ILogger<ErasureRecovery> logger)
{
    /// <summary>How long an erasure asked in the app may go without an orchestration before it counts as never started.</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(5);

    public async Task<int> ResumeUnfinishedAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var resumed = 0;
        foreach (var request in await requests.ListOpenAsync(cancellationToken))
        {
            if (request.Type != RequestTypes.Erasure || request.Status != RequestStatuses.Open) continue;
            var instanceId = ErasureOrchestration.InstanceIdFor(request.Id);
            var state = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
            ErasureInput input;
            if (state is null)
            {
                // Only the app's own requests: one received by e-mail waits for the person's confirmation and the operator.
                if (request.Channel != RequestChannels.App || clock.GetUtcNow() - request.ReceivedAt < StartGrace) continue;
                input = new ErasureInput(request.UserId, request.Id, ErasureReasons.UserRequest);
            }
            else if (state.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                input = state.ReadInputAs<ErasureInput>() ?? new ErasureInput(request.UserId, request.Id, ErasureReasons.UserRequest);
                try
                {
                    await client.PurgeInstanceAsync(instanceId, cancellationToken);
                }
                catch (NotSupportedException)
                {
                    // The DevHost's in-process engine keeps no purgeable history; scheduling the same id replaces it.
                }
            }
            else
            {
                continue;
            }
            await ErasureOrchestration.ScheduleAsync(client, input, cancellationToken);
            LogResumed(logger, request.Id, state?.RuntimeStatus.ToString() ?? "never started");
            resumed++;
        }
        return resumed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Erasure {RequestId} was {State}: started again")]
    private static partial void LogResumed(ILogger logger, string requestId, string state);
}
