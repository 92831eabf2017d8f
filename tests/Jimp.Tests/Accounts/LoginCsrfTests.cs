using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Accounts;

/// <summary>
/// Login CSRF: an attacker's own sign-in link, opened in a victim's signed-in browser, must not move the victim
/// into the attacker's account. The web app's side (a click, and a page that shows who is signed in) is in
/// tests/browser/ui.test.mjs.
/// </summary>
public sealed class LoginCsrfTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_link_for_another_account_does_not_replace_the_browsers_session_until_the_person_confirms()
    {
        using var victim = await Users.SignUpAsync(host);
        using var attacker = await Users.SignUpAsync(host);
        var attackerToken = await NewLinkAsync(attacker.Email, expectedMails: 2);

        using (var refused = await victim.SendAsync(HttpMethod.Post, "/api/auth/verify", new { token = attackerToken }))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("session-conflict", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Null(Users.SessionCookie(refused));
        }
        var me = await victim.GetJsonAsync("/api/me");
        Assert.Equal(victim.UserId, me.GetProperty("userId").GetString());

        // The refused link was not spent: the person who really wants to switch confirms, and the old session ends.
        using var confirmed = await victim.SendAsync(HttpMethod.Post, "/api/auth/verify", new { token = attackerToken, replaceSession = true });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(attacker.UserId, (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("userId").GetString());
        using var old = await victim.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [Fact]
    public async Task A_link_for_a_new_address_is_refused_too_while_another_account_is_signed_in()
    {
        using var victim = await Users.SignUpAsync(host);
        var fresh = Users.NewEmail("fresh");
        var token = await NewLinkAsync(fresh);

        using var refused = await victim.SendAsync(HttpMethod.Post, "/api/auth/verify", new { token });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Null(Users.SessionCookie(refused));
    }

    [Fact]
    public async Task The_persons_own_link_signs_in_without_asking_and_ends_the_session_it_replaces()
    {
        using var user = await Users.SignUpAsync(host);
        var token = await NewLinkAsync(user.Email, expectedMails: 2);

        using var verified = await user.SendAsync(HttpMethod.Post, "/api/auth/verify", new { token });
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var cookie = Users.SessionCookie(verified);
        Assert.NotNull(cookie);
        using (var old = await user.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        user.Cookie = cookie!;
        Assert.Equal(user.UserId, (await user.GetJsonAsync("/api/me")).GetProperty("userId").GetString());
    }

    private async Task<string> NewLinkAsync(string email, int expectedMails = 1)
    {
        using (var link = await Users.RequestLinkAsync(host, Users.LinkBody(email))) Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        return await Users.ReadTokenFromMailAsync(host, email, expectedMails);
    }
}
