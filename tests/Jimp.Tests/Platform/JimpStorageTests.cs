using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Support;
using Microsoft.Extensions.Options;

namespace Jimp.Tests.Platform;

/// <summary>
/// The one door to storage creates each table and container once per process; a creation that failed while storage
/// was down must not be remembered, or the first request after the outage is answered the old failure (found by the
/// fault suite: seed 968265, an erasure asked again once storage was back answered 503).
/// </summary>
public sealed class JimpStorageTests
{
    private sealed class Outage : HttpPipelinePolicy
    {
        public volatile bool Down;
        public int Creates;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == RequestMethod.Post || message.Request.Method == RequestMethod.Put) Interlocked.Increment(ref Creates);
            if (Down) throw new StorageUnavailableException("Storage is down (test outage).", null);
            await ProcessNextAsync(message, pipeline);
        }
    }

    private static (JimpStorage Storage, Outage Outage) Storage()
    {
        var outage = new Outage();
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(outage, HttpPipelinePosition.PerCall);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(outage, HttpPipelinePosition.PerCall);
        var prefix = "st" + Guid.NewGuid().ToString("N")[..10];
        var storage = new JimpStorage(new TableServiceClient(JimpTestHost.StorageConnectionString, tableOptions),
            new BlobServiceClient(JimpTestHost.StorageConnectionString, blobOptions), Options.Create(new StorageOptions { Prefix = prefix }));
        return (storage, outage);
    }

    [Fact]
    public async Task A_table_whose_creation_failed_during_an_outage_is_created_by_the_first_call_once_storage_is_back()
    {
        var (storage, outage) = Storage();
        outage.Down = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.TableAsync("things"));
        outage.Down = false;

        var table = await storage.TableAsync("things");
        await table.UpsertEntityAsync(new TableEntity("p", "r"));
        Assert.True((await table.GetEntityIfExistsAsync<TableEntity>("p", "r")).HasValue);

        // Created once it worked, and not again after that.
        var creates = outage.Creates;
        await storage.TableAsync("things");
        Assert.Equal(creates, outage.Creates);
        await table.DeleteAsync();
    }

    [Fact]
    public async Task A_container_whose_creation_failed_during_an_outage_is_created_by_the_first_call_once_storage_is_back()
    {
        var (storage, outage) = Storage();
        outage.Down = true;
        await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.ContainerAsync("files"));
        outage.Down = false;

        var container = await storage.ContainerAsync("files");
        Assert.True((await container.ExistsAsync()).Value);
        await container.DeleteAsync();
    }
}
