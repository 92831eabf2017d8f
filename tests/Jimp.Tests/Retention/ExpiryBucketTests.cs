using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Retention;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Retention;

/// <summary>Records the filter of every table query that goes on the wire, by table.</summary>
public sealed class QueryRecorder : HttpPipelinePolicy, IStorageWirePolicy
{
    public ConcurrentQueue<(string Table, string Filter)> Queries { get; } = new();

    public HttpPipelinePolicy Policy => this;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message)
    {
        if (StorageRequestCounter.Classify(message.Request) != "table:query") return;
        var path = Uri.UnescapeDataString(message.Request.Uri.Path).Trim('/');
        var table = path.Split('/')[^1].Split('(')[0];
        var query = System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query);
        Queries.Enqueue((table, query["$filter"] ?? ""));
    }
}

/// <summary>
/// #20: housekeeping costs what is due. Sign-in links and rate-limit windows are stored in hourly expiry buckets, so
/// a run reads only the key range of the hours that are over (never a filter over the whole table) and deletes them
/// in batches; rows of before buckets (old shape) are still found, read and deleted.
/// </summary>
public sealed class ExpiryBucketTests : IAsyncLifetime
{
    private readonly QueryRecorder queries = new();
    private JimpTestHost host = null!;

    public async Task InitializeAsync() =>
        host = await JimpTestHost.StartAsync(o => o.Services = s => s.AddSingleton<IStorageWirePolicy>(queries));

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<List<TableEntity>> RowsAsync(string table) =>
        await (await host.Storage.TableAsync(table)).QueryAsync<TableEntity>().ToListAsync();

    [Fact]
    public async Task Housekeeping_reads_only_the_due_buckets_of_links_and_rate_limit_windows_and_deletes_them_in_batches()
    {
        const int Due = 150;
        var tokens = host.Services.GetRequiredService<SignInTokens>();
        var limits = host.Services.GetRequiredService<RateLimits>();
        var now = host.Clock.GetUtcNow();
        await Parallel.ForEachAsync(Enumerable.Range(0, Due), async (i, ct) =>
        {
            await tokens.CreateAsync(TokenPurpose.SignIn, $"due{i}@example.test", null, "fr", "2.0.0", now.AddMinutes(15), ct);
            await limits.HitAsync("bucket-test:" + i, 10, TimeSpan.FromHours(1), ct);
        });
        // Not due: links valid for days, day windows that run past the run.
        for (var i = 0; i < 20; i++)
        {
            await tokens.CreateAsync(TokenPurpose.RequestConfirmation, $"kept{i}@example.test", null, "fr", "2.0.0", now.AddDays(5), default);
            await limits.HitAsync("bucket-day:" + i, 10, TimeSpan.FromDays(1), default);
        }
        // Rows of before buckets: partition = the hash, one expired and one still valid in each table.
        var tokenTable = await host.Storage.TableAsync(SignInTokens.Table);
        await tokenTable.AddEntityAsync(new TableEntity(Secrets.Hash("old-expired"), "token") { ["Purpose"] = "SignIn", ["ExpiresAt"] = now.AddMinutes(15) });
        await tokenTable.AddEntityAsync(new TableEntity(Secrets.Hash("old-valid"), "token") { ["Purpose"] = "SignIn", ["ExpiresAt"] = now.AddDays(3) });
        var limitTable = await host.Storage.TableAsync(RateLimits.Table);
        await limitTable.AddEntityAsync(new TableEntity(Secrets.Hash("old-window"), "0638000000000000000") { ["Count"] = 1, ["ExpiresAt"] = now.AddHours(1) });
        await limitTable.AddEntityAsync(new TableEntity(Secrets.Hash("old-day"), "0638000000000000001") { ["Count"] = 1, ["ExpiresAt"] = now.AddDays(3) });
        Assert.Equal(Due + 22, (await RowsAsync(SignInTokens.Table)).Count);
        Assert.Equal(Due + 22, (await RowsAsync(RateLimits.Table)).Count);

        host.Clock.Advance(TimeSpan.FromHours(2));
        queries.Queries.Clear();
        var before = host.Counter.Snapshot();
        var report = await host.Services.GetRequiredService<Housekeeping>().RunAsync(null, default);
        var cost = host.Counter.Snapshot().Since(before);
        var sent = queries.Queries.ToList();

        Assert.Equal(Due + 1, report.Tokens);
        Assert.Equal(Due + 1, report.RateLimits);
        var keptTokens = await RowsAsync(SignInTokens.Table);
        Assert.Equal(21, keptTokens.Count);
        Assert.Contains(keptTokens, e => e.PartitionKey == Secrets.Hash("old-valid"));
        Assert.All(keptTokens, e => Assert.True(e.GetDateTimeOffset("ExpiresAt") > host.Clock.GetUtcNow()));
        var keptLimits = await RowsAsync(RateLimits.Table);
        Assert.Equal(21, keptLimits.Count);
        Assert.All(keptLimits, e => Assert.True(e.GetDateTimeOffset("ExpiresAt") > host.Clock.GetUtcNow()));

        // Never a scan of the table: every query names a range of partition keys.
        foreach (var table in new[] { SignInTokens.Table, RateLimits.Table })
        {
            var filters = sent.Where(q => q.Table.EndsWith(table, StringComparison.Ordinal)).Select(q => q.Filter).ToList();
            Assert.NotEmpty(filters);
            Assert.All(filters, f => Assert.StartsWith("PartitionKey ", f, StringComparison.Ordinal));
        }
        // Deleted in batches (16 shards an hour: at most 16 batches per table), plus one delete per old-shape row.
        Assert.Equal(2, cost["table:delete"]);
        Assert.InRange(cost["table:batch"], 2, 2 * 16);
    }

    [Fact]
    public async Task A_link_of_before_buckets_still_signs_in_and_its_row_goes_after_its_expiry()
    {
        // A link e-mailed before this change: a 43-character token, its row under the hash with row "token".
        var token = Secrets.NewToken();
        var email = Users.NewEmail("oldshape");
        var table = await host.Storage.TableAsync(SignInTokens.Table);
        await table.AddEntityAsync(new TableEntity(Secrets.Hash(token), "token")
        {
            ["Purpose"] = nameof(TokenPurpose.SignIn),
            ["Email"] = AccountStore.NormaliseEmail(email),
            ["Locale"] = "fr",
            ["PolicyVersion"] = "2.0.0",
            ["ExpiresAt"] = host.Clock.GetUtcNow().AddMinutes(15),
        });

        using var verified = await Users.VerifyAsync(host, token);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        Assert.Contains(verified.Headers.GetValues("Set-Cookie"), c => c.StartsWith(SessionAuth.CookieName + "=", StringComparison.Ordinal));

        host.Clock.Advance(TimeSpan.FromMinutes(16));
        await host.Services.GetRequiredService<Housekeeping>().RunAsync(null, default);
        Assert.DoesNotContain(await RowsAsync(SignInTokens.Table), e => e.PartitionKey == Secrets.Hash(token));
    }

    [Fact]
    public async Task A_new_links_token_carries_its_expiry_hour_and_its_row_sits_in_that_hours_bucket()
    {
        var email = Users.NewEmail("bucket");
        using (var sent = await Users.RequestLinkAsync(host, Users.LinkBody(email))) Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var token = await Users.ReadTokenFromMailAsync(host, email);
        var expires = host.Clock.GetUtcNow() + new AccountsOptions().SignInLinkLifetime;
        Assert.StartsWith(ExpiryBuckets.Hour(expires)[1..], token, StringComparison.Ordinal);
        var row = Assert.Single(await RowsAsync(SignInTokens.Table));
        Assert.Equal(ExpiryBuckets.Partition(ExpiryBuckets.Hour(expires), Secrets.Hash(token)[0]), row.PartitionKey);
        Assert.Equal(Secrets.Hash(token), row.RowKey);
        using var verified = await Users.VerifyAsync(host, token);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
    }
}
