using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Privacy;

/// <summary>
/// An SMTP outage delays the erasure's confirmation, never the deletion, and never fails the erasure: the data is
/// deleted first, the e-mail follows under the mail retry policy (shortened here from minutes to seconds).
/// </summary>
public sealed class ErasureMailOutageTests
{
    [Fact]
    public async Task An_erasure_during_an_smtp_outage_deletes_everything_first_and_confirms_once_smtp_is_back()
    {
        await using var smtp = new SmtpProxy();
        await using var host = await StartAsync(smtp, attempts: 30);
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        smtp.Fault = SmtpFault.Refuse;

        var requestId = await RequestErasureAsync(user);

        // Everything is gone while SMTP still refuses.
        await Eventually.ReadAsync(async () => string.Join("\n", await host.ScanTablesAsync()), all => !all.Contains(user.UserId, StringComparison.Ordinal));
        var everything = string.Join("\n", await host.ScanTablesAsync());
        Assert.DoesNotContain(user.UserId, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, everything, StringComparison.OrdinalIgnoreCase);
        await Eventually.ReadAsync(() => Task.FromResult(smtp.Faulted), n => n >= 2);
        Assert.True(smtp.Faulted >= 2, $"SMTP was tried {smtp.Faulted} times during the outage");
        Assert.Empty(await Mailbox.WithSubjectAsync(host, user.Email, "Votre compte JIMP a été supprimé"));

        smtp.Fault = SmtpFault.None;
        await PrivacyFixture.WaitForErasureAsync(host, requestId);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP a été supprimé", expected: 1));
    }

    [Fact]
    public async Task An_smtp_outage_longer_than_the_retries_still_completes_the_erasure_and_records_the_failed_confirmation()
    {
        await using var smtp = new SmtpProxy();
        await using var host = await StartAsync(smtp, attempts: 3);
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        smtp.Fault = SmtpFault.DropMidMessage;

        var requestId = await RequestErasureAsync(user);
        await PrivacyFixture.WaitForErasureAsync(host, requestId);

        var everything = await host.ScanTablesAsync();
        Assert.DoesNotContain(user.UserId, string.Join("\n", everything), StringComparison.Ordinal);
        Assert.Contains(everything, l => l.Contains(requestId, StringComparison.Ordinal) && l.Contains("ConfirmationFailedAt", StringComparison.Ordinal) && l.Contains("completed", StringComparison.Ordinal));
        Assert.True(smtp.Faulted >= 3, $"SMTP was tried {smtp.Faulted} times");
        Assert.Empty(await Mailbox.WithSubjectAsync(host, user.Email, "Votre compte JIMP a été supprimé"));
    }

    private static Task<JimpTestHost> StartAsync(SmtpProxy smtp, int attempts) => JimpTestHost.StartAsync(o =>
    {
        o.Settings["Email:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        o.Settings["Email:RetryAttempts"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        o.Settings["Email:RetryFirstInterval"] = "00:00:00.500";
        o.Settings["Email:RetryMaxInterval"] = "00:00:01";
    });

    private static async Task<string> RequestErasureAsync(FixtureUser user)
    {
        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
    }
}
