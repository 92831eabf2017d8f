using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

/// <summary>
/// One-click unsubscribe (RFC 8058) from every non-essential e-mail, read from the headers the real SMTP dev server
/// received: no sign-in, idempotent, recorded in the ledger with the channel "email".
/// </summary>
public sealed partial class UnsubscribeTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static readonly MarketingMessage Tips = new("Cinq accroches qui marchent", "Voici cinq accroches pour vos vidéos.", "Five hooks that work", "Here are five hooks for your videos.");

    private async Task<(UserClient User, JsonElement Mail)> ConsentingUserWithMailAsync(string locale = "fr", string purpose = ConsentPurposes.MarketingEmails)
    {
        var user = await Users.SignUpAsync(host, locale: locale);
        using (var grant = await user.SendAsync(HttpMethod.Put, $"/api/me/consents/{purpose}", new { granted = true }))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        }
        Assert.True(await host.Services.GetRequiredService<MarketingMailer>().SendAsync(user.UserId, purpose, Tips, default));
        var subject = locale == "en" ? Tips.SubjectEn : Tips.SubjectFr;
        return (user, Assert.Single(await Mailbox.WaitForAsync(host, user.Email, subject)));
    }

    private static string Header(JsonElement mail, string name)
    {
        Assert.True(mail.GetProperty("headers").TryGetProperty(name, out var value), $"the mail has no {name} header");
        return value.GetString()!;
    }

    /// <summary>The one HTTPS-or-app URL of the List-Unsubscribe header, as a path the test host answers.</summary>
    private static Uri OneClickUrl(JsonElement mail)
    {
        var match = AngleUrl().Match(Header(mail, "List-Unsubscribe"));
        Assert.True(match.Success, "List-Unsubscribe must hold one <url>");
        return new Uri(match.Groups[1].Value);
    }

    /// <summary>What a mailbox provider sends (RFC 8058 §3.2): a form POST, no cookie, no Origin.</summary>
    private async Task<HttpResponseMessage> ProviderPostAsync(Uri url)
    {
        using var anonymous = host.NewClient();
        using var body = new FormUrlEncodedContent([new KeyValuePair<string, string>("List-Unsubscribe", "One-Click")]);
        return await anonymous.PostAsync(url.PathAndQuery, body);
    }

    [Fact]
    public async Task Every_marketing_mail_carries_the_one_click_headers_and_the_providers_post_withdraws_without_sign_in_with_channel_email()
    {
        var (user, mail) = await ConsentingUserWithMailAsync();

        Assert.Equal("List-Unsubscribe=One-Click", Header(mail, "List-Unsubscribe-Post"));
        var url = OneClickUrl(mail);
        Assert.Equal(JimpTestHost.PublicBaseUrl + "/api/unsubscribe", url.GetLeftPart(UriPartial.Path));
        Assert.Matches("^\\?t=[0-9a-f]{32}\\.marketing-emails\\.[A-Za-z0-9_-]{43}$", Uri.UnescapeDataString(url.Query));
        Assert.DoesNotContain(user.Email, url.ToString(), StringComparison.OrdinalIgnoreCase);

        host.Clock.Advance(TimeSpan.FromDays(3));
        var withdrawnAt = host.Clock.GetUtcNow();
        using (var post = await ProviderPostAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode); // RFC 8058: no redirect
            var answer = await post.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("marketing-emails", answer.GetProperty("purpose").GetString());
            Assert.False(answer.GetProperty("granted").GetBoolean());
            Assert.Equal("E-mails de conseils et nouveautés", answer.GetProperty("fr").GetString());
        }

        var ledger = await host.Services.GetRequiredService<ConsentLedger>().HistoryAsync(user.UserId, default);
        Assert.Equal(new ConsentRecord("marketing-emails", false, "2.0.0", withdrawnAt, "email"), ledger[0]);
        Assert.Equal(2, ledger.Count);
        var withdrawal = Assert.Single((await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray(),
            r => r.GetProperty("type").GetString() == "consent-withdrawal");
        Assert.Equal("completed", withdrawal.GetProperty("status").GetString());
        Assert.False((await user.GetJsonAsync("/api/me/consents")).GetProperty("items")[0].GetProperty("granted").GetBoolean());
        // The very next campaign skips the person.
        Assert.False(await host.Services.GetRequiredService<MarketingMailer>().SendAsync(user.UserId, Tips, default));
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, Tips.SubjectFr, expected: 1));
    }

    [Fact]
    public async Task A_second_click_records_nothing_new_and_a_GET_only_redirects_to_the_web_page()
    {
        var (user, mail) = await ConsentingUserWithMailAsync();
        var url = OneClickUrl(mail);
        var ledger = host.Services.GetRequiredService<ConsentLedger>();

        // Link scanners GET links: that never unsubscribes, it only leads to the page.
        using (var anonymous = host.NewClient())
        using (var get = await anonymous.GetAsync(url.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.SeeOther, get.StatusCode);
            Assert.Equal(JimpTestHost.PublicBaseUrl + "/#/unsubscribe" + url.Query, get.Headers.Location!.ToString());
        }
        Assert.True(await ledger.IsGrantedAsync(user.UserId, ConsentPurposes.MarketingEmails));

        using (var first = await ProviderPostAsync(url)) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        host.Clock.Advance(TimeSpan.FromMinutes(5));
        using (var second = await ProviderPostAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.False((await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("granted").GetBoolean());
        }

        Assert.Equal([false, true], (await ledger.HistoryAsync(user.UserId, default)).Select(r => r.Granted));
        Assert.Single((await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_link_in_the_text_opens_the_web_page_with_the_same_token_in_the_users_language()
    {
        var (_, fr) = await ConsentingUserWithMailAsync("fr");
        var (_, en) = await ConsentingUserWithMailAsync("en", ConsentPurposes.ProductResearch);

        foreach (var (mail, action) in new[] { (fr, "Me désinscrire en un clic"), (en, "Unsubscribe in one click") })
        {
            var token = Uri.UnescapeDataString(OneClickUrl(mail).Query)[3..];
            Assert.Contains($"{JimpTestHost.PublicBaseUrl}/#/unsubscribe?t={Uri.EscapeDataString(token)}", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Contains(action, WebUtility.HtmlDecode(mail.GetProperty("html").GetString()), StringComparison.Ordinal);
        }
        Assert.Contains(".product-research.", Uri.UnescapeDataString(OneClickUrl(en).Query), StringComparison.Ordinal);
        Assert.Contains("« E-mails de conseils et nouveautés »", fr.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_or_moved_token_is_a_400_problem_and_changes_nothing()
    {
        var (user, mail) = await ConsentingUserWithMailAsync();
        using var other = await Users.SignUpAsync(host);
        using (await other.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = true })) { }
        var token = Uri.UnescapeDataString(OneClickUrl(mail).Query)[3..];
        var parts = token.Split('.');
        var signature = parts[2];
        var tampered = new[]
        {
            "",
            "garbage",
            $"{parts[0]}.{parts[1]}.{(signature[0] == 'A' ? 'B' : 'A')}{signature[1..]}",
            $"{other.UserId}.{parts[1]}.{signature}",            // someone else's id with this signature
            $"{parts[0]}.product-research.{signature}",          // another purpose
            $"{parts[0]}.sell-my-data.{signature}",              // no such purpose
            $"{parts[0].ToUpperInvariant()}.{parts[1]}.{signature}",
        };
        foreach (var bad in tampered)
        {
            using var post = await ProviderPostAsync(new Uri($"{JimpTestHost.PublicBaseUrl}/api/unsubscribe?t={Uri.EscapeDataString(bad)}"));
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
            Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
            Assert.Equal("unsubscribe-invalid", (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        var ledger = host.Services.GetRequiredService<ConsentLedger>();
        Assert.True(await ledger.IsGrantedAsync(user.UserId, ConsentPurposes.MarketingEmails));
        Assert.True(await ledger.IsGrantedAsync(other.UserId, ConsentPurposes.MarketingEmails));
        Assert.Single(await ledger.HistoryAsync(user.UserId, default));
        user.Dispose();
    }

    [Fact]
    public async Task The_link_of_an_erased_account_answers_the_same_and_stores_nothing_about_it()
    {
        var gone = Jimp.Functions.Platform.Secrets.NewId();
        var links = host.Services.GetRequiredService<UnsubscribeLinks>();

        using var post = await ProviderPostAsync(links.OneClickUrl(gone, ConsentPurposes.MarketingEmails));

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.DoesNotContain(await host.ScanTablesAsync(), l => l.Contains(gone, StringComparison.Ordinal));
    }

    [GeneratedRegex("^<([^<>]+)>$")]
    private static partial Regex AngleUrl();
}
