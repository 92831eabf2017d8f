using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Accounts;

public sealed class SessionTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_Secure_Lax_for_the_whole_site_for_30_days()
    {
        var email = Users.NewEmail("cookie");
        using (await Users.RequestLinkAsync(host, Users.LinkBody(email))) { }
        using var verified = await Users.VerifyAsync(host, await Users.ReadTokenFromMailAsync(host, email));

        var cookies = verified.Headers.GetValues("Set-Cookie").ToList();
        var session = Assert.Single(cookies);
        Assert.StartsWith("jimp_session=", session, StringComparison.Ordinal);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=2592000", session, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_a_session_me_is_401()
    {
        using var response = await host.Client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_forged_or_expired_session_is_401()
    {
        using var user = await Users.SignUpAsync(host);
        var realCookie = user.Cookie;
        user.Cookie = user.UserId + ".forgedsecretforgedsecretforgedsecretforgedsec";
        using (var forged = await user.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        user.Cookie = realCookie;
        host.Clock.Advance(TimeSpan.FromDays(30));
        using var expired = await user.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }

    [Fact]
    public async Task Logout_invalidates_the_session()
    {
        using var user = await Users.SignUpAsync(host);
        using (var logout = await user.SendAsync(HttpMethod.Post, "/api/auth/logout")) Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var after = await user.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Logout_everywhere_invalidates_the_other_sessions()
    {
        using var phone = await Users.SignUpAsync(host);
        using (await Users.RequestLinkAsync(host, Users.LinkBody(phone.Email))) { }
        using var verified = await Users.VerifyAsync(host, await Users.ReadTokenFromMailAsync(host, phone.Email, expectedMails: 2));
        using var laptop = new UserClient(host, phone.Email, Users.SessionCookie(verified)!, phone.UserId);
        using (var ok = await laptop.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var all = await phone.SendAsync(HttpMethod.Post, "/api/auth/logout-all");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal(2, (await all.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revoked").GetInt32());

        using var laptopAfter = await laptop.GetAsync("/api/me");
        using var phoneAfter = await phone.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, laptopAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, phoneAfter.StatusCode);
    }

    [Fact]
    public async Task A_cross_origin_request_with_the_cookie_is_refused()
    {
        using var user = await Users.SignUpAsync(host);
        using var http = host.NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        request.Headers.Add("Cookie", $"jimp_session={user.Cookie}");
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var stillSignedIn = await user.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);
    }

    [Fact]
    public async Task A_state_change_without_origin_needs_the_app_header()
    {
        using var user = await Users.SignUpAsync(host);
        using var http = host.NewClient();
        using var bare = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        bare.Headers.Add("Cookie", $"jimp_session={user.Cookie}");
        using (var refused = await http.SendAsync(bare)) Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var withHeader = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        withHeader.Headers.Add("Cookie", $"jimp_session={user.Cookie}");
        withHeader.Headers.Add("X-Requested-With", "jimp");
        using var accepted = await http.SendAsync(withHeader);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
    }

    [Fact]
    public async Task Activity_lists_the_users_own_security_events_without_addresses_or_full_ips()
    {
        using var user = await Users.SignUpAsync(host);
        using var other = await Users.SignUpAsync(host);
        var activity = await user.GetJsonAsync("/api/me/activity");
        var events = activity.GetProperty("events").EnumerateArray().ToList();

        Assert.Contains(events, e => e.GetProperty("event").GetString() == "sign-in-succeeded");
        Assert.All(events, e => Assert.Equal("127.0.0.0/24", e.GetProperty("ipPrefix").GetString()));
        var raw = activity.GetRawText();
        Assert.DoesNotContain(user.Email, raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(other.UserId, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_security_log_is_month_sharded_and_holds_no_address_token_or_full_ip()
    {
        using var user = await Users.SignUpAsync(host);
        var lines = (await host.ScanTablesAsync()).Where(l => l.StartsWith(host.Prefix + "securitylog202611:", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(lines);
        Assert.All(lines, l =>
        {
            Assert.DoesNotContain(user.Email, l, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("127.0.0.1", l, StringComparison.Ordinal);
            Assert.DoesNotContain(user.Cookie.Split('.')[1], l, StringComparison.Ordinal);
        });
    }
}
