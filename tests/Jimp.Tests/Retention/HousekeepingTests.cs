using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Jimp.Tests.Platform;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Retention;

[Collection(SharedHostCollection.Name)]
public sealed class HousekeepingTests(SharedHost shared)
{
    /// <summary>
    /// The DevHost's in-process engine cannot purge; Azure's backend can. What this proves is what housekeeping
    /// asks the backend: the erased user's export and erasure histories by id at once, everything else finished
    /// more than 7 days ago by filter, and nothing still running.
    /// </summary>
    [Fact]
    public async Task An_erased_users_orchestration_histories_are_purged_at_once_and_the_rest_after_7_days()
    {
        await using var host = shared.ForTest();
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        using var erasure = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        var requestId = (await erasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        var durable = host.Services.GetRequiredService<DurableTaskClient>();
        await host.WaitForOrchestrationAsync(ErasureOrchestration.InstanceIdFor(requestId));

        var client = new PurgeRecordingClient(durable);
        var housekeeping = host.Services.GetRequiredService<Housekeeping>();
        await housekeeping.RunAsync(client, default);

        Assert.Equal(
            new[] { ErasureOrchestration.InstanceIdFor(requestId), ExportOrchestration.InstanceIdFor(exportId) }.Order(StringComparer.Ordinal),
            client.PurgedInstances.Order(StringComparer.Ordinal));
        var filter = Assert.Single(client.PurgeFilters);
        Assert.Equal(host.Clock.GetUtcNow() - TimeSpan.FromDays(7), filter.CreatedTo);
        Assert.Equal(
            new[] { OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated }.Order(),
            filter.Statuses!.Order());
        var queue = await host.Storage.TableAsync(ErasureOrchestration.PurgeQueueTable);
        Assert.Empty(await queue.QueryAsync<TableEntity>().ToListAsync());

        // The queue is done: the next run purges no instance by id again.
        client.PurgedInstances.Clear();
        await housekeeping.RunAsync(client, default);
        Assert.Empty(client.PurgedInstances);
    }

    [Fact]
    public async Task A_queued_instance_still_running_stays_queued_until_it_finishes()
    {
        await using var host = await JimpTestHost.StartAsync(o => o.ExtraFunctions.AddRange(ProbeFunctions.All));
        var queue = await host.Storage.TableAsync(ErasureOrchestration.PurgeQueueTable);
        var durable = host.Services.GetRequiredService<DurableTaskClient>();
        var running = await durable.ScheduleNewOrchestrationInstanceAsync(nameof(ProbeFunctions.ProbeWaitForGo), "probe");
        await durable.WaitForInstanceStartAsync(running);
        await queue.UpsertEntityAsync(new TableEntity("instances", running) { ["QueuedAt"] = host.Clock.GetUtcNow() });
        // An id the backend does not know (purged already) is simply dropped from the queue.
        await queue.UpsertEntityAsync(new TableEntity("instances", "erasure-gone") { ["QueuedAt"] = host.Clock.GetUtcNow() });
        var client = new PurgeRecordingClient(durable);
        var housekeeping = host.Services.GetRequiredService<Housekeeping>();

        await housekeeping.RunAsync(client, default);
        Assert.Empty(client.PurgedInstances);
        Assert.Equal([running], (await queue.QueryAsync<TableEntity>().ToListAsync()).Select(e => e.RowKey));

        await durable.RaiseEventAsync(running, "go", "now");
        await host.WaitForOrchestrationAsync(running);
        await housekeeping.RunAsync(client, default);
        Assert.Equal([running], client.PurgedInstances);
        Assert.Empty(await queue.QueryAsync<TableEntity>().ToListAsync());
    }
}
