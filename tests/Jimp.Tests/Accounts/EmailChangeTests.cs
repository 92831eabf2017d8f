using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Accounts;

public sealed class EmailChangeTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task The_address_changes_only_when_the_link_sent_to_the_new_one_is_followed()
    {
        using var user = await Users.SignUpAsync(host);
        var newEmail = Users.NewEmail("moved");
        using (var asked = await user.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail }))
        {
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        }
        Assert.Equal(user.Email, (await user.GetJsonAsync("/api/me")).GetProperty("email").GetString());

        var token = await Users.ReadTokenFromMailAsync(host, newEmail);
        using var confirmed = await Users.VerifyAsync(host, token);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal("email-changed", (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(newEmail, (await user.GetJsonAsync("/api/me")).GetProperty("email").GetString());

        // The old address is notified and no longer leads to this account; its index entry is gone.
        Assert.NotEmpty(await Mailbox.WaitForAsync(host, user.Email, "a changé"));
        var index = (await host.ScanTablesAsync()).Where(l => l.StartsWith(host.Prefix + "emailindex:", StringComparison.Ordinal)).ToList();
        var keyed = host.Services.GetRequiredService<Jimp.Functions.Platform.KeyedHash>();
        Assert.DoesNotContain(index, l => l.Contains(keyed.EmailIndexKey(user.Email), StringComparison.Ordinal));
        Assert.Contains(index, l => l.Contains(keyed.EmailIndexKey(newEmail), StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_address_of_another_account_gets_a_notice_without_a_link_and_the_same_answer_at_the_same_cost()
    {
        using var user = await Users.SignUpAsync(host);
        using var other = await Users.SignUpAsync(host);
        var free = Users.NewEmail("free");
        using (var warm = await user.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail = Users.NewEmail("warm") })) Assert.Equal(HttpStatusCode.Accepted, warm.StatusCode);

        var (takenStatus, takenBody, takenCost) = await AskAsync(user, other.Email);
        var (freeStatus, freeBody, freeCost) = await AskAsync(user, free);

        // Same status, same body, the same storage requests of each kind, one e-mail each: nothing tells them apart.
        Assert.Equal(HttpStatusCode.Accepted, takenStatus);
        Assert.Equal(freeStatus, takenStatus);
        Assert.Equal(freeBody, takenBody);
        Assert.Equal(freeCost.ToString(), takenCost.ToString());
        var notice = Assert.Single(await Mailbox.WaitForAsync(host, other.Email, "essayé d'utiliser", count: 1));
        Assert.DoesNotContain("token=", notice.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, await Mailbox.SettledCountAsync(host, other.Email, "", expected: 2)); // its sign-up link and the notice
        Assert.Contains("token=", (await Mailbox.WaitForAsync(host, free, "Confirmez", count: 1))[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Address_changes_have_their_own_limits_and_never_use_up_the_targets_sign_in_links()
    {
        using var attacker = await Users.SignUpAsync(host);
        using var accomplice = await Users.SignUpAsync(host);
        var victim = Users.NewEmail("victim");
        for (var i = 0; i < 3; i++)
        {
            using var asked = await attacker.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail = victim });
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        }
        // Per session: a fourth request is refused, whatever the address.
        using (var fourth = await attacker.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail = Users.NewEmail("elsewhere") }))
        {
            Assert.Equal((HttpStatusCode)429, fourth.StatusCode);
            Assert.Equal("application/problem+json", fourth.Content.Headers.ContentType?.MediaType);
            Assert.True(fourth.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        }
        // Per target address: another account cannot send it more either.
        using (var flood = await accomplice.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail = victim })) Assert.Equal((HttpStatusCode)429, flood.StatusCode);

        // The victim's own sign-in links are untouched: all five of the hour are still there.
        for (var i = 0; i < 5; i++)
        {
            using var link = await Users.RequestLinkAsync(host, Users.LinkBody(victim));
            Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        }
    }

    private async Task<(HttpStatusCode Status, string Body, Jimp.Functions.Platform.Storage.StorageCounts Cost)> AskAsync(UserClient user, string newEmail)
    {
        var before = host.Counter.Snapshot();
        using var asked = await user.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail });
        var cost = host.Counter.Snapshot().Since(before);
        return (asked.StatusCode, await asked.Content.ReadAsStringAsync(), cost);
    }

    [Fact]
    public async Task An_invalid_new_address_is_a_400()
    {
        using var user = await Users.SignUpAsync(host);
        using var asked = await user.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, asked.StatusCode);
    }
}
