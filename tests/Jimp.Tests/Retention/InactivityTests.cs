using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;

namespace Jimp.Tests.Retention;

[Collection(SharedHostCollection.Name)]
public sealed class InactivityTests(SharedHost shared)
{
    [Fact]
    public async Task A_warning_at_23_months_an_erasure_at_24_and_a_restricted_user_untouched()
    {
        await using var host = shared.ForTest();
        var idle = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        using var restricted = await Users.SignUpAsync(host);
        using (var r = await restricted.SendAsync(HttpMethod.Put, "/api/me/restriction")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        host.Clock.Advance(TimeSpan.FromDays(30 * 22));
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, idle.Email, "Votre compte JIMP va être supprimé", expected: 0));

        host.Clock.Advance(TimeSpan.FromDays(30 * 1 + 15)); // now past 23 months
        await host.RunTimerAsync("CheckInactiveAccounts");
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, idle.Email, "Votre compte JIMP va être supprimé", expected: 1));
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, restricted.Email, "Votre compte JIMP va être supprimé", expected: 0));

        host.Clock.Advance(TimeSpan.FromDays(31)); // now past 24 months
        await host.RunTimerAsync("CheckInactiveAccounts");
        await Eventually.ReadAsync(host.ScanTablesAsync, lines => !lines.Any(l => l.Contains(idle.UserId, StringComparison.Ordinal)));

        var everything = string.Join("\n", await host.ScanTablesAsync());
        Assert.DoesNotContain(idle.UserId, everything, StringComparison.Ordinal);
        Assert.Contains(restricted.UserId, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_again_resets_the_count()
    {
        await using var host = shared.ForTest();
        using var user = await Users.SignUpAsync(host);
        host.Clock.Advance(TimeSpan.FromDays(30 * 23 + 10));
        using (await Users.RequestLinkAsync(host, Users.LinkBody(user.Email))) { }
        using (var again = await Users.VerifyAsync(host, await Users.ReadTokenFromMailAsync(host, user.Email, expectedMails: 2))) Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP va être supprimé", expected: 0));
    }
}
