using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

public sealed class TableGuardTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncLifetime
{
    private readonly JimpTestHost host = shared.ForTest();
    private TableClient table = null!;

    public async Task InitializeAsync() => table = await host.Storage.TableAsync("guards");

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static TableEntity Entity(string pk, string rk, int payloadBytes = 0)
    {
        var entity = new TableEntity(pk, rk);
        // Binary properties of at most 64 KiB each, as Azure allows, adding up to the wanted size.
        for (var i = 0; payloadBytes > 0; i++, payloadBytes -= 60_000)
        {
            entity[$"P{i}"] = new byte[Math.Min(60_000, payloadBytes)];
        }
        return entity;
    }

    /// <summary>Asserts that the call throws the guard's exception and that no storage request went out.</summary>
    private async Task AssertRefusedBeforeSending(Func<Task> call)
    {
        var before = host.Counter.Snapshot();
        await Assert.ThrowsAsync<TableLimitException>(call);
        Assert.Equal(0, host.Counter.Snapshot().Since(before).Total);
    }

    [Fact]
    public async Task A_batch_of_101_operations_is_refused_before_sending()
    {
        var actions = Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity("p", $"r{i:D3}"))).ToList();
        await AssertRefusedBeforeSending(() => table.SubmitTransactionAsync(actions));
    }

    [Fact]
    public async Task A_batch_of_100_operations_in_one_partition_is_one_request()
    {
        var actions = Enumerable.Range(0, 100).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity("ok", $"r{i:D3}"))).ToList();
        var before = host.Counter.Snapshot();
        await table.SubmitTransactionAsync(actions);
        var spent = host.Counter.Snapshot().Since(before);
        Assert.Equal(1, spent.Total);
        Assert.Equal(1, spent["table:batch"]);
    }

    [Fact]
    public async Task A_batch_spanning_two_partitions_is_refused_before_sending()
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, Entity("a", "1")),
            new(TableTransactionActionType.Add, Entity("b", "1")),
        ];
        await AssertRefusedBeforeSending(() => table.SubmitTransactionAsync(actions));
    }

    [Fact]
    public async Task A_batch_with_deletes_in_two_partitions_is_refused_before_sending()
    {
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Delete, new TableEntity("a", "1")),
            new(TableTransactionActionType.Delete, new TableEntity("b", "1")),
        ];
        await AssertRefusedBeforeSending(() => table.SubmitTransactionAsync(actions));
    }

    [Fact]
    public async Task A_batch_of_4_MiB_is_refused_before_sending()
    {
        var actions = Enumerable.Range(0, 5).Select(i => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity("big", $"r{i}", 900_000))).ToList();
        await AssertRefusedBeforeSending(() => table.SubmitTransactionAsync(actions));
    }

    [Fact]
    public async Task An_entity_of_1_MiB_is_refused_before_sending()
    {
        await AssertRefusedBeforeSending(() => table.UpsertEntityAsync(Entity("p", "huge", 1_048_576)));
    }

    [Fact]
    public async Task A_key_over_1_KiB_is_refused_before_sending()
    {
        await AssertRefusedBeforeSending(() => table.UpsertEntityAsync(Entity("p", new string('k', 513))));
        await AssertRefusedBeforeSending(() => table.AddEntityAsync(Entity(new string('k', 513), "r")));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\tb")]
    public async Task A_key_with_a_forbidden_character_is_refused_before_sending(string key)
    {
        await AssertRefusedBeforeSending(() => table.AddEntityAsync(Entity("p", key)));
        await AssertRefusedBeforeSending(() => table.AddEntityAsync(Entity(key, "r")));
        await AssertRefusedBeforeSending(() => table.GetEntityIfExistsAsync<TableEntity>("p", key));
    }

    [Fact]
    public async Task A_valid_entity_is_sent_and_counted()
    {
        var before = host.Counter.Snapshot();
        await table.UpsertEntityAsync(Entity("p", "fine-key_1", 1000), TableUpdateMode.Replace);
        await table.UpsertEntityAsync(Entity("p", "fine-key_1", 10), TableUpdateMode.Merge);
        var read = await table.GetEntityAsync<TableEntity>("p", "fine-key_1");
        var spent = host.Counter.Snapshot().Since(before);

        Assert.Equal("fine-key_1", read.Value.RowKey);
        Assert.Equal(1, spent["table:upsert"]);
        Assert.Equal(1, spent["table:merge"]);
        Assert.Equal(1, spent["table:point-read"]);
        Assert.Equal(3, spent.Total);
    }
}
