using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Retention;
using Jimp.Tests.Privacy;
using Jimp.Tests.Scale;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Retention;

/// <summary>
/// #20: the inactivity job costs what is due. The accounts feature keeps the month of each last sign-in in
/// <c>signinmonths</c> (partition yyyyMM, row = user id); the job and its warnings' mailing read only the due months
/// and check each account by a point read, never a filter over every account. Until the one-time backfill (run by
/// housekeeping) has written its marker, the old filter over <c>users</c> is used.
/// </summary>
public sealed class SignInMonthTests : IAsyncLifetime
{
    private readonly QueryRecorder queries = new();
    private readonly CountingEmailSender mail = new();
    private JimpTestHost host = null!;

    public async Task InitializeAsync() =>
        host = await JimpTestHost.StartAsync(o => o.Services = s =>
        {
            s.AddSingleton<IStorageWirePolicy>(queries);
            s.AddSingleton<IEmailSender>(mail);
        });

    public async Task DisposeAsync() => await host.DisposeAsync();

    private AccountStore Accounts => host.Services.GetRequiredService<AccountStore>();

    private async Task<List<TableEntity>> MonthRowsAsync() =>
        await (await host.Storage.TableAsync(SignInMonths.Table)).QueryAsync<TableEntity>().ToListAsync();

    /// <summary>Accounts written straight by the store, as the scale simulation does: <paramref name="recent"/> active ones and <paramref name="idle"/> 23 months idle.</summary>
    private async Task<List<string>> SeedAsync(int recent, int idle)
    {
        var now = host.Clock.GetUtcNow();
        var idleIds = new List<string>();
        for (var i = 0; i < recent + idle; i++)
        {
            var id = Guid.NewGuid().ToString("N");
            var last = i < idle ? now.AddMonths(-23).AddDays(-5) : now.AddDays(-(i % 200));
            if (i < idle) idleIds.Add(id);
            await Accounts.CreateAsync(new Account(id, $"months-{id[..12]}@example.test", "fr", last, last, "2.0.0", last, last, false, false, false), default);
        }
        return idleIds;
    }

    /// <summary>The inactivity timer, then its warnings' mailing to the end (waited on the engine: no counted reads).</summary>
    private async Task RunInactivityAsync()
    {
        await host.RunTimerAsync("CheckInactiveAccounts");
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        foreach (var mailing in await host.Services.GetRequiredService<MailingStore>().ListUnfinishedAsync(default))
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await client.WaitForInstanceCompletionAsync(BulkMailOrchestration.InstanceIdFor(mailing.Id), patience.Token);
        }
    }

    private List<(string Table, string Filter)> QueriesOf(string table) =>
        [.. queries.Queries.Where(q => q.Table == host.Storage.TableName(table))];

    [Theory]
    [InlineData(40)]
    [InlineData(400)]
    public async Task Inactivity_reads_only_the_due_months_never_every_account_and_costs_what_is_due(int recent)
    {
        const int Idle = 6;
        var idle = await SeedAsync(recent, Idle);
        await host.Services.GetRequiredService<Housekeeping>().RunAsync(null, default);
        Assert.True(await Accounts.SignInMonthsReadyAsync(default));

        queries.Queries.Clear();
        var before = host.Counter.Snapshot();
        await RunInactivityAsync();
        var cost = host.Counter.Snapshot().Since(before);

        // Every idle account warned once, nobody else.
        Assert.Equal(Idle, mail.Sent);
        foreach (var id in idle) Assert.True((await Accounts.GetAsync(id, default))!.WarnedSinceLastSignIn);
        // No query over the users table at all (the erasure's own partition reads are not part of this run: none is due).
        var overUsers = QueriesOf(AccountStore.UsersTable);
        Assert.True(overUsers.Count == 0, "the inactivity job queried users: " + string.Join(" | ", overUsers.Select(q => q.Filter)));
        // The index is read by its due key range only.
        var overMonths = QueriesOf(SignInMonths.Table);
        Assert.NotEmpty(overMonths);
        Assert.All(overMonths, q => Assert.StartsWith("PartitionKey le '", q.Filter, StringComparison.Ordinal));
        // Proportional to what is due, whatever the number of accounts: at most 6 requests per idle account (its
        // point read by the job, by the count, by the mailing; the sent mark; the warned mark) plus 40 for the run
        // (the marker reads, the mailing's row and its orchestration, the queries of the due months).
        Assert.True(cost.Total <= 6 * Idle + 40, $"inactivity with {recent} recent accounts: {cost}");
    }

    [Fact]
    public async Task Before_the_backfill_the_old_filter_is_used_then_housekeeping_indexes_every_account_once()
    {
        var idle = await SeedAsync(recent: 30, idle: 2);
        // Accounts of before the index: no month rows, no marker.
        var months = await host.Storage.TableAsync(SignInMonths.Table);
        foreach (var row in await MonthRowsAsync()) await months.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        Assert.False(await Accounts.SignInMonthsReadyAsync(default));

        await RunInactivityAsync();
        Assert.Equal(2, mail.Sent);
        Assert.Contains(QueriesOf(AccountStore.UsersTable), q => q.Filter.Contains("LastSignInAt le", StringComparison.Ordinal));

        Assert.Equal(32, await Accounts.BackfillSignInMonthsIfNeededAsync(default));
        var rows = await MonthRowsAsync();
        Assert.Equal(32, rows.Count);
        var now = host.Clock.GetUtcNow();
        foreach (var id in idle) Assert.Contains(rows, r => r.RowKey == id && r.PartitionKey == SignInMonths.MonthOf(now.AddMonths(-23).AddDays(-5)));
        Assert.True(await Accounts.SignInMonthsReadyAsync(default));
        // Once: the next housekeeping run reads the marker and writes nothing.
        var before = host.Counter.Snapshot();
        Assert.Equal(0, await Accounts.BackfillSignInMonthsIfNeededAsync(default));
        Assert.Equal(1, host.Counter.Snapshot().Since(before).Total);

        // From now on the index: nobody is warned twice, and users is not filtered.
        queries.Queries.Clear();
        host.Clock.Advance(TimeSpan.FromDays(1));
        await RunInactivityAsync();
        Assert.Equal(2, mail.Sent);
        Assert.DoesNotContain(QueriesOf(AccountStore.UsersTable), q => q.Filter.Contains("LastSignInAt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stale_row_is_skipped_and_deleted_when_its_month_comes_due()
    {
        await SeedAsync(recent: 3, idle: 0);
        await host.Services.GetRequiredService<Housekeeping>().RunAsync(null, default);
        var active = (await MonthRowsAsync())[0].RowKey;
        var months = await host.Storage.TableAsync(SignInMonths.Table);
        var old = SignInMonths.MonthOf(host.Clock.GetUtcNow().AddMonths(-30));
        await months.UpsertEntityAsync(SignInMonths.Row(old, active, host.Clock.GetUtcNow()));
        await months.UpsertEntityAsync(SignInMonths.Row(old, Guid.NewGuid().ToString("N"), host.Clock.GetUtcNow())); // its account never got written
        var young = Guid.NewGuid().ToString("N");
        host.Clock.Advance(AccountStore.OrphanAge + TimeSpan.FromMinutes(1));
        // A row just written may be a sign-up under way (its account comes next): left alone.
        await months.UpsertEntityAsync(SignInMonths.Row(old, young, host.Clock.GetUtcNow()));

        await RunInactivityAsync();
        Assert.Equal(0, mail.Sent);
        Assert.NotNull(await Accounts.GetAsync(active, default)); // not erased: its account says it signed in lately
        Assert.Equal([young], (await MonthRowsAsync()).Where(r => r.PartitionKey == old).Select(r => r.RowKey));
    }
}

/// <summary>#20: the sign-in-month row through the real sign-in, export and erasure (real mail: the shared host).</summary>
[Collection(SharedHostCollection.Name)]
public sealed class SignInMonthAccountTests(SharedHost shared)
{
    private static async Task<List<TableEntity>> MonthRowsAsync(JimpTestHost host) =>
        await (await host.Storage.TableAsync(SignInMonths.Table)).QueryAsync<TableEntity>().ToListAsync();

    [Fact]
    public async Task The_first_sign_in_of_a_month_moves_the_row_and_the_others_leave_it()
    {
        await using var host = shared.ForTest();
        using var user = await Users.SignUpAsync(host);
        var signedUp = host.Clock.GetUtcNow();
        Assert.Equal([SignInMonths.MonthOf(signedUp)], (await MonthRowsAsync(host)).Where(r => r.RowKey == user.UserId).Select(r => r.PartitionKey));

        host.Clock.Advance(TimeSpan.FromMinutes(30));
        var stamp = (await MonthRowsAsync(host)).Single(r => r.RowKey == user.UserId).Timestamp;
        using (await Users.SignInAgainAsync(host, user)) { }
        Assert.Equal(stamp, (await MonthRowsAsync(host)).Single(r => r.RowKey == user.UserId).Timestamp);

        host.Clock.Advance(TimeSpan.FromDays(40));
        using (await Users.SignInAgainAsync(host, user)) { }
        var rows = (await MonthRowsAsync(host)).Where(r => r.RowKey == user.UserId).ToList();
        Assert.Equal([SignInMonths.MonthOf(host.Clock.GetUtcNow())], rows.Select(r => r.PartitionKey));
        Assert.NotEqual(SignInMonths.MonthOf(signedUp), rows[0].PartitionKey);
    }

    [Fact]
    public async Task An_update_from_a_record_read_before_a_sign_in_does_not_move_the_sign_in_back()
    {
        await using var host = shared.ForTest();
        using var user = await Users.SignUpAsync(host);
        var readBefore = await host.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default);
        host.Clock.Advance(TimeSpan.FromDays(40));
        using (await Users.SignInAgainAsync(host, user)) { }
        await host.Services.GetRequiredService<AccountStore>().UpdateAsync(readBefore! with { Locale = "en" }, default);
        var after = await host.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default);
        Assert.Equal("en", after!.Locale);
        Assert.Equal(host.Clock.GetUtcNow(), after.LastSignInAt);
        Assert.Equal([SignInMonths.MonthOf(after.LastSignInAt)], (await MonthRowsAsync(host)).Where(r => r.RowKey == user.UserId).Select(r => r.PartitionKey));
    }

    [Fact]
    public async Task The_export_shows_the_month_and_the_erasure_leaves_no_row_even_a_stale_one()
    {
        await using var host = shared.ForTest();
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var created = host.Clock.GetUtcNow();
        host.Clock.Advance(TimeSpan.FromDays(65));
        using var again = await Users.SignInAgainAsync(host, user.Client); // the first session has expired by now
        var now = host.Clock.GetUtcNow();

        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, again);
        using (var zip = await PrivacyFixture.DownloadAsync(again, exportId))
        {
            using var data = JsonDocument.Parse(zip.GetEntry("data.json")!.Open());
            var rows = data.RootElement.GetProperty("stores").GetProperty(SignInMonths.Table).EnumerateArray().ToList();
            var month = SignInMonths.MonthOf(now);
            Assert.Equal([month[..4] + "-" + month[4..]], rows.Select(r => r.GetProperty("last_sign_in_month").GetString()));
        }

        // A crash between the two writes of a move leaves the old row: the erasure finds it too.
        var months = await host.Storage.TableAsync(SignInMonths.Table);
        await months.UpsertEntityAsync(SignInMonths.Row(SignInMonths.MonthOf(created), user.UserId, created));
        using var response = await again.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await PrivacyFixture.WaitForErasureAsync(host, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!);
        Assert.DoesNotContain(await MonthRowsAsync(host), r => r.RowKey == user.UserId);
        Assert.DoesNotContain(user.UserId, string.Join("\n", await host.ScanTablesAsync()), StringComparison.Ordinal);
    }
}
