using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Accounts;

public sealed class SignInTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_new_user_signs_up_by_link_and_me_answers_with_the_cookie()
    {
        var email = Users.NewEmail("signup");
        using var link = await Users.RequestLinkAsync(host, Users.LinkBody(email, "fr"));
        Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);

        Assert.Equal(1, await Mailbox.SettledCountAsync(host, email, "", expected: 1));
        var mails = await Mailbox.ReadAsync(host, email);
        Assert.Equal("Votre lien de connexion à JIMP", mails[0].GetProperty("subject").GetString());
        Assert.Contains("http://127.0.0.1:7071/#/verify?token=", mails[0].GetProperty("html").GetString(), StringComparison.Ordinal);

        var token = await Users.ReadTokenFromMailAsync(host, email);
        using var verified = await Users.VerifyAsync(host, token);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var body = await verified.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("signed-in", body.GetProperty("outcome").GetString());

        using var user = new UserClient(host, email, Users.SessionCookie(verified)!, body.GetProperty("user").GetProperty("userId").GetString()!);
        var me = await user.GetJsonAsync("/api/me");
        Assert.Equal(email, me.GetProperty("email").GetString());
        Assert.Equal("fr", me.GetProperty("locale").GetString());
        Assert.Equal("2.0.0", me.GetProperty("acceptedPolicyVersion").GetString());
        Assert.False(me.GetProperty("newerPolicyAwaits").GetBoolean());
        // A random id, never derived from the address.
        Assert.Matches("^[0-9a-f]{32}$", user.UserId);
        Assert.DoesNotContain(user.UserId, Jimp.Functions.Platform.Secrets.Hash(email), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_email_index_and_rate_limits_hold_keyed_hashes_never_a_plain_sha256_nor_a_full_ip()
    {
        using var user = await Users.SignUpAsync(host);
        var keyed = host.Services.GetRequiredService<KeyedHash>();
        var tables = await host.ScanTablesAsync();
        var index = tables.Where(l => l.StartsWith(host.Prefix + "emailindex:", StringComparison.Ordinal)).ToList();
        var limits = tables.Where(l => l.StartsWith(host.Prefix + "ratelimits:", StringComparison.Ordinal)).ToList();

        Assert.Contains(index, l => l.Contains("PartitionKey=" + keyed.EmailIndexKey(user.Email), StringComparison.Ordinal));
        Assert.DoesNotContain(tables, l => l.Contains(Secrets.Hash(user.Email), StringComparison.Ordinal));
        Assert.Contains(limits, l => l.Contains("RowKey=" + keyed.RateLimitKey(RateLimits.EmailKey(user.Email)) + "-", StringComparison.Ordinal));
        Assert.DoesNotContain(limits, l => l.Contains(Secrets.Hash(RateLimits.EmailKey(user.Email)), StringComparison.Ordinal));
        // The per-network limits count the /24, never the address (127.0.0.1 here).
        Assert.Contains(limits, l => l.Contains("RowKey=" + keyed.RateLimitKey("link-ip:127.0.0.0/24") + "-", StringComparison.Ordinal));
        Assert.Contains(limits, l => l.Contains("RowKey=" + keyed.RateLimitKey("verify-ip:127.0.0.0/24") + "-", StringComparison.Ordinal));
        Assert.DoesNotContain(tables, l => l.Contains("127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Index_rows_of_before_the_keyed_hash_are_rebuilt_under_the_key_once_and_sign_in_still_finds_the_account()
    {
        using var user = await Users.SignUpAsync(host);
        var keyed = host.Services.GetRequiredService<KeyedHash>();
        var index = await host.Storage.TableAsync(AccountStore.EmailIndexTable, default);
        // The state before the keyed hash: the index keyed by the plain SHA-256, no key fingerprint anywhere.
        await index.DeleteEntityAsync(keyed.EmailIndexKey(user.Email), AccountStore.IndexRow, Azure.ETag.All);
        await index.AddEntityAsync(new TableEntity(Secrets.Hash(user.Email), AccountStore.IndexRow) { ["UserId"] = user.UserId });
        var state = await host.Storage.TableAsync(AccountStore.KeyStateTable, default);
        await state.DeleteEntityAsync("state", AccountStore.EmailIndexTable, Azure.ETag.All);

        await host.RunTimerAsync("RunHousekeeping");

        var rows = (await host.ScanTablesAsync()).Where(l => l.StartsWith(host.Prefix + "emailindex:", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(rows, l => l.Contains(Secrets.Hash(user.Email), StringComparison.Ordinal));
        Assert.Contains(rows, l => l.Contains("PartitionKey=" + keyed.EmailIndexKey(user.Email), StringComparison.Ordinal) && l.Contains("KeyId=" + keyed.KeyId, StringComparison.Ordinal));
        Assert.Equal(user.UserId, await host.Services.GetRequiredService<AccountStore>().FindUserIdByEmailAsync(user.Email, default));
        // Done once per key: a second run changes nothing.
        Assert.Equal(0, await host.Services.GetRequiredService<AccountStore>().RekeyEmailIndexIfNeededAsync(default));
    }

    [Fact]
    public async Task The_account_stores_the_age_confirmation_time_and_never_a_birth_date()
    {
        using var user = await Users.SignUpAsync(host);
        var account = (await host.ScanTablesAsync()).Single(l => l.StartsWith(host.Prefix + "users:", StringComparison.Ordinal) && l.Contains(user.UserId, StringComparison.Ordinal));
        Assert.Contains("AgeConfirmedAt=", account, StringComparison.Ordinal);
        Assert.DoesNotContain("Birth", account, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Age=", account, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_again_reaches_the_same_account_in_english()
    {
        using var first = await Users.SignUpAsync(host, locale: "en");
        using var link = await Users.RequestLinkAsync(host, Users.LinkBody(first.Email, "en"));
        var mails = await Mailbox.WaitForAsync(host, first.Email, "", count: 2);
        Assert.Equal("Your JIMP sign-in link", mails[0].GetProperty("subject").GetString());
        var token = await Users.ReadTokenFromMailAsync(host, first.Email, expectedMails: 2);
        using var verified = await Users.VerifyAsync(host, token);
        var body = await verified.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.UserId, body.GetProperty("user").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task An_unknown_and_a_known_address_get_the_same_answer()
    {
        using var known = await Users.SignUpAsync(host);
        using var forKnown = await Users.RequestLinkAsync(host, Users.LinkBody(known.Email));
        using var forUnknown = await Users.RequestLinkAsync(host, Users.LinkBody(Users.NewEmail("unknown")));

        Assert.Equal(forKnown.StatusCode, forUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, forKnown.StatusCode);
        Assert.Equal(await forKnown.Content.ReadAsStringAsync(), await forUnknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_token_works_once()
    {
        var email = Users.NewEmail("once");
        using (await Users.RequestLinkAsync(host, Users.LinkBody(email))) { }
        var token = await Users.ReadTokenFromMailAsync(host, email);

        using var first = await Users.VerifyAsync(host, token);
        using var second = await Users.VerifyAsync(host, token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal("token-used", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Null(Users.SessionCookie(second));
    }

    [Fact]
    public async Task A_token_expires_after_15_minutes()
    {
        var email = Users.NewEmail("expiry");
        using (await Users.RequestLinkAsync(host, Users.LinkBody(email))) { }
        var token = await Users.ReadTokenFromMailAsync(host, email);

        host.Clock.Advance(TimeSpan.FromMinutes(15));
        using var late = await Users.VerifyAsync(host, token);

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal("token-expired", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Null(Users.SessionCookie(late));
    }

    [Fact]
    public async Task A_token_just_inside_15_minutes_still_works()
    {
        var email = Users.NewEmail("inside");
        using (await Users.RequestLinkAsync(host, Users.LinkBody(email))) { }
        var token = await Users.ReadTokenFromMailAsync(host, email);

        host.Clock.Advance(TimeSpan.FromMinutes(14.9));
        using var inTime = await Users.VerifyAsync(host, token);

        Assert.Equal(HttpStatusCode.OK, inTime.StatusCode);
    }

    [Fact]
    public async Task An_unknown_token_is_refused_clearly()
    {
        using var response = await Users.VerifyAsync(host, new string('A', 43));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("token-invalid", problem.GetProperty("code").GetString());
        Assert.Contains("not valid", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_raw_token_session_id_or_email_hash_free_address_exists_in_storage_except_the_account()
    {
        var email = Users.NewEmail("raw");
        using (await Users.RequestLinkAsync(host, Users.LinkBody(email))) { }
        var token = await Users.ReadTokenFromMailAsync(host, email);
        using var verified = await Users.VerifyAsync(host, token);
        var cookie = Users.SessionCookie(verified)!;
        var secret = cookie.Split('.')[1];

        var everything = string.Join("\n", await host.ScanTablesAsync());
        Assert.DoesNotContain(token, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        // The address is kept once, on the account (to send mail), and nowhere else.
        var lines = (await host.ScanTablesAsync()).Where(l => l.Contains(email, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Single(lines);
        Assert.StartsWith(host.Prefix + "users:", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_logs_of_a_sign_up_contain_no_address_and_no_token()
    {
        var email = Users.NewEmail("logs");
        using (await Users.RequestLinkAsync(host, Users.LinkBody(email))) { }
        var token = await Users.ReadTokenFromMailAsync(host, email);
        using var verified = await Users.VerifyAsync(host, token);
        var cookie = Users.SessionCookie(verified)!;
        using var user = new UserClient(host, email, cookie, "");
        using (await user.GetAsync("/api/me")) { }

        Assert.NotEmpty(host.Logs.Lines);
        foreach (var line in host.Logs.Lines)
        {
            Assert.DoesNotContain(email, line, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(token, line, StringComparison.Ordinal);
            Assert.DoesNotContain(cookie.Split('.')[1], line, StringComparison.Ordinal);
        }
    }
}
