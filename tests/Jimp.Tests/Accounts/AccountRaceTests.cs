using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Accounts;

/// <summary>What a crash between two writes, or an erasure running at the same time, must not leave behind.</summary>
public sealed class AccountRaceTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task An_email_index_entry_orphaned_by_a_crash_does_not_lock_the_address_out()
    {
        var email = Users.NewEmail("orphan");
        var ghost = Secrets.NewId();
        // A sign-up that crashed after writing the index entry and before the account.
        var index = await host.Storage.TableAsync(AccountStore.EmailIndexTable);
        await index.AddEntityAsync(new TableEntity(host.Services.GetRequiredService<AccountStore>().EmailKey(email), AccountStore.IndexRow) { ["UserId"] = ghost, ["CreatedAt"] = host.Clock.GetUtcNow().AddHours(-1), ["KeyId"] = host.Services.GetRequiredService<KeyedHash>().KeyId });

        using var user = await Users.SignUpAsync(host, email);

        Assert.NotEqual(ghost, user.UserId);
        Assert.Equal(email, (await user.GetJsonAsync("/api/me")).GetProperty("email").GetString());
        var entry = await index.GetEntityAsync<TableEntity>(host.Services.GetRequiredService<AccountStore>().EmailKey(email), AccountStore.IndexRow);
        Assert.Equal(user.UserId, entry.Value.GetString("UserId"));
        // And the repaired address signs in to the same account again.
        using var again = await Users.SignInAgainAsync(host, user);
        Assert.Equal(user.UserId, (await again.GetJsonAsync("/api/me")).GetProperty("userId").GetString());
    }

    [Fact]
    public async Task A_sign_in_while_the_account_is_being_erased_is_refused_and_leaves_no_session()
    {
        using var user = await Users.SignUpAsync(host);
        using (await Users.RequestLinkAsync(host, Users.LinkBody(user.Email))) { }
        var token = await Users.ReadTokenFromMailAsync(host, user.Email, expectedMails: 2);
        await host.Services.GetRequiredService<AccountStore>().MarkErasingAsync(user.UserId, host.Clock.GetUtcNow(), CancellationToken.None);
        var sessionsBefore = await SessionRowsAsync(user.UserId);

        using var verified = await Users.VerifyAsync(host, token);

        Assert.Equal(HttpStatusCode.Conflict, verified.StatusCode);
        Assert.Equal("account-erasing", (await verified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Null(Users.SessionCookie(verified));
        Assert.Equal(sessionsBefore, await SessionRowsAsync(user.UserId));
    }

    [Fact]
    public async Task A_change_of_address_racing_an_erasure_brings_nothing_back()
    {
        var fixture = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var user = fixture.Client;
        var newEmail = Users.NewEmail("racer");
        using (var asked = await user.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail })) Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        var token = await Users.ReadTokenFromMailAsync(host, newEmail);

        // The erasure has begun (the account is marked) when the link is followed.
        await host.Services.GetRequiredService<AccountStore>().MarkErasingAsync(user.UserId, host.Clock.GetUtcNow(), CancellationToken.None);
        using (var confirmed = await Users.VerifyAsync(host, token)) Assert.Equal(HttpStatusCode.Conflict, confirmed.StatusCode);
        var index = await host.Storage.TableAsync(AccountStore.EmailIndexTable);
        Assert.False((await index.GetEntityIfExistsAsync<TableEntity>(host.Services.GetRequiredService<AccountStore>().EmailKey(newEmail), AccountStore.IndexRow)).HasValue);

        // The erasure finishes: no account, no session, no index entry under either address.
        using var erase = await user.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, erase.StatusCode);
        await PrivacyFixture.WaitForErasureAsync(host, (await erase.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!);
        var everything = string.Join("\n", await host.ScanTablesAsync());
        Assert.DoesNotContain(user.UserId, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Services.GetRequiredService<AccountStore>().EmailKey(newEmail), everything, StringComparison.Ordinal);
        using var me = await user.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Fact]
    public async Task Updating_an_account_that_was_erased_does_not_bring_it_back()
    {
        using var user = await Users.SignUpAsync(host);
        var accounts = host.Services.GetRequiredService<AccountStore>();
        var account = (await accounts.GetAsync(user.UserId, CancellationToken.None))!;
        var users = await host.Storage.TableAsync(AccountStore.UsersTable);
        await users.DeleteEntityAsync(user.UserId, AccountStore.AccountRow);

        Assert.False(await accounts.UpdateAsync(account with { Restricted = true }, CancellationToken.None));
        Assert.Null(await accounts.GetAsync(user.UserId, CancellationToken.None));
    }

    private async Task<int> SessionRowsAsync(string userId)
    {
        var sessions = await host.Storage.TableAsync(SessionStore.Table);
        var n = 0;
        // Every row of the table (a test may scan): the user's old-shape partition and their rows in the day buckets.
        await foreach (var e in sessions.QueryAsync<TableEntity>())
        {
            if (e.PartitionKey == userId || e.RowKey.StartsWith(userId + "-", StringComparison.Ordinal)) n++;
        }
        return n;
    }
}
