using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Platform;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

public sealed class ErasureTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task<string> EraseAsync(FixtureUser user)
    {
        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        await PrivacyFixture.WaitForErasureAsync(host, requestId);
        return requestId;
    }

    [Fact]
    public async Task Erasure_leaves_no_trace_in_any_table_or_blob()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        var other = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var otherBefore = (await host.ScanTablesAsync()).Count(l => l.Contains(other.UserId, StringComparison.Ordinal));

        await EraseAsync(user);

        var everything = string.Join("\n", (await host.ScanTablesAsync()).Concat(await host.ScanBlobsAsync()));
        Assert.DoesNotContain(user.UserId, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secrets.Hash(user.Email), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Services.GetRequiredService<KeyedHash>().EmailIndexKey(user.Email), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(user.MessageText, everything, StringComparison.Ordinal);
        // Another user's data is untouched.
        Assert.Equal(otherBefore, (await host.ScanTablesAsync()).Count(l => l.Contains(other.UserId, StringComparison.Ordinal)));
        Assert.Contains(other.MessageText, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tombstone_without_personal_data_proves_the_erasure()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var requestId = await EraseAsync(user);
        var tombstone = (await host.ScanTablesAsync()).Single(l => l.StartsWith(host.Prefix + "tombstones:", StringComparison.Ordinal) && l.Contains(requestId, StringComparison.Ordinal));

        Assert.Contains("Status=completed", tombstone, StringComparison.Ordinal);
        Assert.Contains("\"conversations\":", tombstone, StringComparison.Ordinal);
        Assert.DoesNotContain(user.UserId, tombstone, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, tombstone, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Security_log_entries_are_kept_under_a_one_way_tombstone_id()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var before = (await host.ScanTablesAsync()).Count(l => l.StartsWith(host.Prefix + "securitylog", StringComparison.Ordinal) && l.Contains("PartitionKey=" + user.UserId, StringComparison.Ordinal));
        Assert.True(before > 0);

        await EraseAsync(user);

        var log = (await host.ScanTablesAsync()).Where(l => l.StartsWith(host.Prefix + "securitylog", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(log, l => l.Contains(user.UserId, StringComparison.Ordinal));
        Assert.True(log.Count(l => l.Contains("PartitionKey=x", StringComparison.Ordinal)) >= before);
        // The tombstone id is the keyed hash of the user id: one-way without the key, and what a restore replays.
        var tombstoneId = host.Services.GetRequiredService<KeyedHash>().TombstoneId(user.UserId);
        Assert.True(log.Count(l => l.Contains("PartitionKey=" + tombstoneId, StringComparison.Ordinal)) >= before);
        Assert.NotEqual(Secrets.Hash(user.UserId)[..32], tombstoneId[1..]);
    }

    [Fact]
    public async Task A_confirmation_email_goes_out_after_everything_is_deleted_before_the_address_is_forgotten_and_the_user_is_signed_out()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        await EraseAsync(user);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP a été supprimé", expected: 1));
        // It says why (the person asked) and what remains (the pseudonymised security log), as the policy does.
        var text = (await Mailbox.WithSubjectAsync(host, user.Email, "Votre compte JIMP a été supprimé"))[0].GetProperty("text").GetString()!;
        Assert.Contains("Comme vous l'avez demandé", text, StringComparison.Ordinal);
        Assert.Contains("journal de sécurité", text, StringComparison.Ordinal);
        using var me = await user.Client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("someone-else@example.test")]
    public async Task A_wrong_confirmation_is_a_400_and_erases_nothing(string confirm)
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var before = (await host.ScanTablesAsync()).Count(l => l.Contains(user.UserId, StringComparison.Ordinal));
        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await Task.Delay(300);
        Assert.Equal(before, (await host.ScanTablesAsync()).Count(l => l.Contains(user.UserId, StringComparison.Ordinal)));
        using var me = await user.Client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Signing_up_again_after_erasure_creates_a_new_empty_account()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        await EraseAsync(user);
        using var again = await Users.SignUpAsync(host, user.Email);
        Assert.NotEqual(user.UserId, again.UserId);
        var list = await again.GetJsonAsync("/api/conversations");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }
}
