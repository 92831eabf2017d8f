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
    public async Task An_address_of_another_account_gets_no_link_and_the_same_answer()
    {
        using var user = await Users.SignUpAsync(host);
        using var other = await Users.SignUpAsync(host);
        using var asked = await user.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail = other.Email });

        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, other.Email, "", expected: 1)); // only its own sign-up link
    }

    [Fact]
    public async Task An_invalid_new_address_is_a_400()
    {
        using var user = await Users.SignUpAsync(host);
        using var asked = await user.SendAsync(HttpMethod.Post, "/api/me/email", new { newEmail = "nope" });
        Assert.Equal(HttpStatusCode.BadRequest, asked.StatusCode);
    }
}
