using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Privacy;

/// <summary>
/// Export and erasure of a user with 10,000 messages (smoke size in ./test.sh: 1,500) on Azurite: storage requests
/// and wall time. Prints its figures.
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class PrivacyBenchmarks(ITestOutputHelper output)
{
    private static readonly int Messages = Bench.Size(1_500, 10_000);

    [Fact]
    public async Task Export_and_erasure_of_many_messages_cost_pages_and_batches_not_records()
    {
        await using var host = await JimpTestHost.StartAsync();
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var table = await host.Storage.TableAsync(ConversationStore.Table);
        var start = DateTimeOffset.UtcNow;
        for (var batch = 0; batch < Messages / 100; batch++)
        {
            var actions = Enumerable.Range(0, 100).Select(i =>
            {
                var n = batch * 100 + i;
                return new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(user.UserId, $"{user.ConversationId}-{9_000_000_000_000_000_000L - n:D19}")
                {
                    ["Role"] = n % 2 == 0 ? "user" : "assistant",
                    ["Text"] = $"Message {n}: comment trouver un bon produit pour ma niche beauté ?",
                    ["CreatedAt"] = start.AddSeconds(n),
                    ["Status"] = "ok",
                });
            });
            await table.SubmitTransactionAsync(actions);
        }
        var stores = 12;

        var before = host.Counter.Snapshot();
        var watch = Stopwatch.StartNew();
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        var exportTime = watch.Elapsed;
        var export = host.Counter.Snapshot().Since(before);
        var exportQueries = export["table:query"];

        before = host.Counter.Snapshot();
        watch.Restart();
        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        await PrivacyFixture.WaitForErasureAsync(host, requestId);
        var erasureTime = watch.Elapsed;
        var erasure = host.Counter.Snapshot().Since(before);

        output.WriteLine($"export of {Messages} messages (+ the fixture's other records): {export} in {exportTime.TotalSeconds:0.0} s (the request, the orchestration, one status read)");
        output.WriteLine($"erasure of the same user: {erasure} in {erasureTime.TotalSeconds:0.0} s (the request and the orchestration; the test's polling is not counted)");
        _ = exportId;

        // Export: one query per 1,000 records of the big store, plus a constant per store; the sessions store's
        // constant is a query per day bucket a session can expire on (#20: what makes its housekeeping cost only what is due).
        var sessionQueries = host.Services.GetRequiredService<SessionStore>().QueriesPerList;
        Assert.True(exportQueries <= Messages / 1000 + 1 + 4 * (stores - 1) + sessionQueries, $"export made {exportQueries} table queries ({sessionQueries} allowed for the sessions)");
        // Erasure: one batch per 100 records of the big store, plus a constant per store.
        Assert.True(erasure["table:batch"] <= Messages / 100 + 1 + 2 * stores, $"erasure made {erasure["table:batch"]} batches");
        Assert.True(erasure.Total <= Messages / 100 + Messages / 1000 + 10 * (stores - 1) + sessionQueries, $"erasure made {erasure.Total} requests ({sessionQueries} allowed for the sessions' day buckets)");
    }
}
