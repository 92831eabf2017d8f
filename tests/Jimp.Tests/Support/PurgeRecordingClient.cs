using Jimp.DevHost;
using Microsoft.DurableTask.Client;

namespace Jimp.Tests.Support;

/// <summary>
/// The DevHost's in-process durable client, with the purge calls (which its engine does not support) recorded
/// instead of refused: what the housekeeping asks Azure's Durable Functions backend to purge.
/// </summary>
public sealed class PurgeRecordingClient(DurableTaskClient inner) : ForwardingDurableTaskClient(inner, "purge-recording")
{
    public List<string> PurgedInstances { get; } = [];

    public List<PurgeInstancesFilter> PurgeFilters { get; } = [];

    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        PurgedInstances.Add(instanceId);
        return Task.FromResult(new PurgeResult(1));
    }

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        PurgeFilters.Add(filter);
        return Task.FromResult(new PurgeResult(0));
    }
}
