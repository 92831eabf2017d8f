using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Accounts;

/// <summary>Records, for every table query on the wire, its table, its filter and the keys of the rows it returned.</summary>
public sealed class ReturnedRowsRecorder : HttpPipelinePolicy, IStorageWirePolicy
{
    public ConcurrentQueue<(string Table, string Filter, IReadOnlyList<(string PartitionKey, string RowKey)> Rows)> Queries { get; } = new();

    public HttpPipelinePolicy Policy => this;

    /// <summary>The app's table calls are all asynchronous; a synchronous one goes through unrecorded.</summary>
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessNext(message, pipeline);

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await ProcessNextAsync(message, pipeline);
        if (StorageRequestCounter.Classify(message.Request) != "table:query" || message.Response.Status != 200 || message.Response.ContentStream is not { } body) return;
        // Read the answer once and put it back for the SDK.
        var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        copy.Position = 0;
        message.Response.ContentStream = copy;
        var rows = new List<(string, string)>();
        using (var json = JsonDocument.Parse(copy.ToArray()))
        {
            if (json.RootElement.TryGetProperty("value", out var values))
            {
                // A projected query (e.g. the sign-in-month backfill's select over users) may leave a key out.
                foreach (var e in values.EnumerateArray()) rows.Add((Key(e, "PartitionKey"), Key(e, "RowKey")));
            }
        }
        var path = Uri.UnescapeDataString(message.Request.Uri.Path).Trim('/');
        var query = System.Web.HttpUtility.ParseQueryString(message.Request.Uri.Query);
        Queries.Enqueue((path.Split('/')[^1].Split('(')[0], query["$filter"] ?? "", rows));
    }

    private static string Key(JsonElement row, string name) => row.TryGetProperty(name, out var key) ? key.GetString() ?? "" : "";

    public List<(string Filter, IReadOnlyList<(string PartitionKey, string RowKey)> Rows)> Of(string table) =>
        [.. Queries.Where(q => q.Table.EndsWith(table, StringComparison.Ordinal)).Select(q => (q.Filter, q.Rows))];
}

/// <summary>
/// #20: sessions live in day expiry buckets. Housekeeping reads only the buckets of days that are over (never a row
/// that is not due) and deletes them in batches; the cookie carries its day, so a request is still one point read; a
/// user's sessions are still all found (sign out everywhere, export, erasure) without a scan; and a cookie of before
/// buckets keeps working until its session expires, after which housekeeping deletes its row.
/// </summary>
public sealed class SessionBucketTests : IAsyncLifetime
{
    private readonly ReturnedRowsRecorder recorder = new();
    private JimpTestHost host = null!;

    public async Task InitializeAsync() =>
        host = await JimpTestHost.StartAsync(o => o.Services = s => s.AddSingleton<IStorageWirePolicy>(recorder));

    public async Task DisposeAsync() => await host.DisposeAsync();

    private async Task<List<TableEntity>> RowsAsync() =>
        await (await host.Storage.TableAsync(SessionStore.Table)).QueryAsync<TableEntity>().ToListAsync();

    private SessionStore Sessions => host.Services.GetRequiredService<SessionStore>();

    private static SessionContext NoContext => new(false, null);

    /// <summary>An old-shape row, as the code of before buckets wrote it: partition = user id, row = hash of a 43-character secret.</summary>
    private async Task<string> AddOldShapeAsync(string userId, DateTimeOffset expiresAt)
    {
        var secret = Secrets.NewToken();
        var table = await host.Storage.TableAsync(SessionStore.Table);
        await table.AddEntityAsync(new TableEntity(userId, Secrets.Hash(secret))
        {
            ["Locale"] = "fr",
            ["CreatedAt"] = host.Clock.GetUtcNow(),
            ["LastSeenAt"] = host.Clock.GetUtcNow(),
            ["ExpiresAt"] = expiresAt,
            ["UserAgentFamily"] = "firefox",
            ["Restricted"] = false,
            ["ObjectsToInsights"] = false,
        });
        return userId + "." + secret;
    }

    [Fact]
    public async Task Housekeeping_reads_only_the_sessions_of_days_that_are_over_and_deletes_them_in_batches()
    {
        const int Due = 150;
        var start = host.Clock.GetUtcNow(); // 28 Nov, 09:00
        var dueKeys = new ConcurrentDictionary<(string, string), bool>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Due), async (i, ct) =>
        {
            // Every shard of the day gets several rows (so each goes in a batch, none alone).
            var userId = "0123456789abcdef"[i % 16] + Secrets.NewId()[1..];
            var cookie = await Sessions.CreateAsync(userId, "fr", "chrome", start, start.AddHours(1), NoContext, ct);
            dueKeys[SessionStore.Address(userId, SessionStore.KeyOfCookie(cookie))] = true;
        });
        // Not due: sessions with days to run, and the old-shape row of a session still valid.
        for (var i = 0; i < 40; i++) await Sessions.CreateAsync(Secrets.NewId(), "fr", "chrome", start, start.AddDays(5 + i % 20), NoContext, default);
        var oldValid = await AddOldShapeAsync(Secrets.NewId(), start.AddDays(10));
        var oldExpired = await AddOldShapeAsync(Secrets.NewId(), start.AddHours(1));
        dueKeys[SessionStore.Address(oldExpired[..32], SessionStore.KeyOfCookie(oldExpired))] = true;

        // Two days on (30 Nov, 09:00): 28 Nov is over. A session that expired this morning is in today's bucket: not due yet.
        host.Clock.Advance(TimeSpan.FromDays(2));
        var now = host.Clock.GetUtcNow();
        var today = await Sessions.CreateAsync(Secrets.NewId(), "fr", "chrome", start, now.AddHours(-1), NoContext, default);
        recorder.Queries.Clear();
        var before = host.Counter.Snapshot();
        var report = await host.Services.GetRequiredService<Housekeeping>().RunAsync(null, default);
        var cost = host.Counter.Snapshot().Since(before);
        var sent = recorder.Of(SessionStore.Table);

        Assert.Equal(Due + 1, report.Sessions);
        // Never a row that is not due, never a scan: every query names a range of partition keys, every row returned is due.
        Assert.NotEmpty(sent);
        Assert.All(sent, q => Assert.StartsWith("PartitionKey ", q.Filter, StringComparison.Ordinal));
        Assert.All(sent.SelectMany(q => q.Rows), row => Assert.True(dueKeys.ContainsKey(row), $"housekeeping read {row}, which is not due"));
        Assert.Equal(Due + 1, sent.Sum(q => q.Rows.Count));
        // Deleted in batches (one day, 16 shards: at most 16 batches), the one old-shape row alone; queries: a page per range.
        Assert.InRange(cost["table:batch"], 1, 16);
        Assert.Equal(1, cost["table:delete"]);
        Assert.InRange(sent.Count, 2, 3);

        var kept = await RowsAsync();
        Assert.Equal(40 + 1 + 1, kept.Count);
        Assert.Contains(kept, e => e.PartitionKey == oldValid[..32]);
        Assert.Contains(kept, e => (e.PartitionKey, e.RowKey) == SessionStore.Address(today[..32], SessionStore.KeyOfCookie(today)));

        // The next day, this morning's session is due and goes; the rest stays.
        host.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, (await host.Services.GetRequiredService<Housekeeping>().RunAsync(null, default)).Sessions);
        Assert.Equal(41, (await RowsAsync()).Count);
    }

    [Fact]
    public async Task A_new_session_cookie_carries_its_expiry_day_and_a_request_reads_one_row_of_that_days_bucket()
    {
        using var user = await Users.SignUpAsync(host);
        var expires = host.Clock.GetUtcNow() + new AccountsOptions().SessionLifetime;
        var secret = user.Cookie[(user.Cookie.IndexOf('.', StringComparison.Ordinal) + 1)..];
        Assert.StartsWith(ExpiryBuckets.Day(expires)[1..], secret, StringComparison.Ordinal);
        var row = Assert.Single(await RowsAsync(), e => e.RowKey.StartsWith(user.UserId, StringComparison.Ordinal));
        Assert.Equal(ExpiryBuckets.Partition(ExpiryBuckets.Day(expires), user.UserId[0]), row.PartitionKey);
        Assert.Equal(user.UserId + "-" + Secrets.Hash(secret), row.RowKey);

        // Checking a request: a point read at the address the cookie names, no query of the sessions table.
        recorder.Queries.Clear();
        using (var me = await user.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Empty(recorder.Of(SessionStore.Table));
        // A cookie naming another day (or a forged one) finds nothing.
        var wrongDay = user.UserId + "." + ExpiryBuckets.Day(expires.AddDays(1))[1..] + secret[8..];
        using var forged = new UserClient(host, user.Email, wrongDay, user.UserId);
        using (var refused = await forged.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_cookie_of_before_buckets_keeps_working_until_its_session_expires_then_its_row_is_deleted()
    {
        using var user = await Users.SignUpAsync(host);
        var oldCookie = await AddOldShapeAsync(user.UserId, host.Clock.GetUtcNow().AddDays(2));
        using var oldBrowser = new UserClient(host, user.Email, oldCookie, user.UserId);
        using (var me = await oldBrowser.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        // Sign-out of that browser deletes its old-shape row.
        using (var logout = await oldBrowser.SendAsync(HttpMethod.Post, "/api/auth/logout")) Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using (var after = await oldBrowser.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.DoesNotContain(await RowsAsync(), e => e.PartitionKey == user.UserId);

        // Another old cookie: valid for two days, refused after, its row deleted by the next housekeeping run.
        var second = await AddOldShapeAsync(user.UserId, host.Clock.GetUtcNow().AddDays(2));
        using var secondBrowser = new UserClient(host, user.Email, second, user.UserId);
        using (var me = await secondBrowser.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        host.Clock.Advance(TimeSpan.FromDays(2).Add(TimeSpan.FromMinutes(1)));
        using (var expired = await secondBrowser.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        await host.Services.GetRequiredService<Housekeeping>().RunAsync(null, default);
        Assert.DoesNotContain(await RowsAsync(), e => e.PartitionKey == user.UserId);
        // The bucketed session of the sign-up is untouched (28 more days).
        using (var me = await user.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Every_session_of_a_user_is_found_for_sign_out_everywhere_export_and_erasure_without_a_scan()
    {
        using var user = await Users.SignUpAsync(host);
        var now = host.Clock.GetUtcNow();
        var other = Secrets.NewId();
        // The user's sessions: one for each day a session can expire on, an old-shape one, and one of a day already over
        // that housekeeping has not deleted yet; another user's sessions in the same buckets.
        var ofUser = 1;
        for (var day = 0; day <= 30; day++)
        {
            await Sessions.CreateAsync(user.UserId, "fr", "chrome", now, now.AddDays(day).AddMinutes(1), NoContext, default);
            await Sessions.CreateAsync(other, "fr", "chrome", now, now.AddDays(day).AddMinutes(1), NoContext, default);
            ofUser++;
        }
        await Sessions.CreateAsync(user.UserId, "fr", "chrome", now.AddDays(-3), now.AddDays(-2), NoContext, default);
        await AddOldShapeAsync(user.UserId, now.AddDays(3));
        ofUser += 2;
        bool OfUser(TableEntity e) => e.PartitionKey == user.UserId || e.RowKey.StartsWith(user.UserId + "-", StringComparison.Ordinal);
        Assert.Equal(ofUser, (await RowsAsync()).Count(OfUser));

        recorder.Queries.Clear();
        var export = await host.Services.GetRequiredService<PersonalDataRegistry>()[SessionStore.Table].ExportAsync(user.UserId, default);
        Assert.Equal(ofUser, export.Count);
        var sent = recorder.Of(SessionStore.Table);
        Assert.All(sent, q => Assert.StartsWith("PartitionKey ", q.Filter, StringComparison.Ordinal));
        Assert.All(sent.SelectMany(q => q.Rows), row => Assert.True(row.PartitionKey == user.UserId || row.RowKey.StartsWith(user.UserId + "-", StringComparison.Ordinal), $"the export read {row}, another user's row"));
        // A range query per day a session can expire on (31 or 32), the past days, past the lifetime, the old shape.
        Assert.InRange(sent.Count, 34, 35);

        // A restriction reaches every session of the user, the other user's stay as they were.
        await Sessions.UpdateContextAsync(user.UserId, new SessionContext(true, null), default);
        var rows = await RowsAsync();
        Assert.All(rows.Where(OfUser), e => Assert.True(e.GetBoolean("Restricted")));
        Assert.All(rows.Where(e => !OfUser(e)), e => Assert.False(e.GetBoolean("Restricted")));

        using (var all = await user.SendAsync(HttpMethod.Post, "/api/auth/logout-all"))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            Assert.Equal(ofUser, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").GetInt32());
        }
        Assert.DoesNotContain(await RowsAsync(), OfUser);
        Assert.Equal(31, (await RowsAsync()).Count);

        // Erasure (the registry's store, as the erasure orchestration runs it) deletes every one of them too.
        await Sessions.CreateAsync(other, "fr", "chrome", now.AddDays(-3), now.AddDays(-2), NoContext, default);
        await AddOldShapeAsync(other, now.AddDays(3));
        var erased = await host.Services.GetRequiredService<PersonalDataRegistry>()[SessionStore.Table].EraseAsync(new ErasureSubject(other, null, "t"), default);
        Assert.Equal(33, erased);
        Assert.Empty(await RowsAsync());
    }
}
