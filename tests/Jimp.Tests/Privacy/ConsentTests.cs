using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

public sealed class ConsentTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static readonly MarketingMessage Tips = new("Trois idées de live", "Voici trois idées pour votre prochain live.", "Three live ideas", "Here are three ideas for your next live.");

    [Fact]
    public async Task Every_purpose_starts_off_with_french_and_english_labels()
    {
        using var user = await Users.SignUpAsync(host);
        var items = (await user.GetJsonAsync("/api/me/consents")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(["marketing-emails", "product-research"], items.Select(i => i.GetProperty("purpose").GetString()));
        Assert.All(items, i =>
        {
            Assert.False(i.GetProperty("granted").GetBoolean());
            Assert.Equal(JsonValueKind.Null, i.GetProperty("changedAt").ValueKind);
            Assert.Equal("2.0.0", i.GetProperty("policyVersion").GetString());
            foreach (var field in new[] { "fr", "en", "descriptionFr", "descriptionEn" }) Assert.False(string.IsNullOrWhiteSpace(i.GetProperty(field).GetString()));
        });
        Assert.Equal("E-mails de conseils et nouveautés", items[0].GetProperty("fr").GetString());
        Assert.Equal("Tips and news e-mails", items[0].GetProperty("en").GetString());
        Assert.Equal("Participer aux études pour améliorer JIMP", items[1].GetProperty("fr").GetString());
        Assert.Equal("Take part in studies to improve JIMP", items[1].GetProperty("en").GetString());
    }

    [Fact]
    public async Task Granting_and_withdrawing_append_to_the_ledger_with_policy_version_time_and_channel()
    {
        using var user = await Users.SignUpAsync(host);
        var grantedAt = host.Clock.GetUtcNow();
        using (var grant = await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = true }))
        {
            Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
            var item = await grant.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(item.GetProperty("granted").GetBoolean());
            Assert.Equal(grantedAt, item.GetProperty("changedAt").GetDateTimeOffset());
        }
        host.Clock.Advance(TimeSpan.FromHours(2));
        var withdrawnAt = host.Clock.GetUtcNow();
        using (var withdraw = await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = false }))
        {
            Assert.Equal(HttpStatusCode.OK, withdraw.StatusCode);
            Assert.False((await withdraw.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("granted").GetBoolean());
        }

        var ledger = await host.Services.GetRequiredService<ConsentLedger>().HistoryAsync(user.UserId, default);
        Assert.Equal(
            [new ConsentRecord("marketing-emails", false, "2.0.0", withdrawnAt, "web"), new ConsentRecord("marketing-emails", true, "2.0.0", grantedAt, "web")],
            ledger);
        var current = (await user.GetJsonAsync("/api/me/consents")).GetProperty("items")[0];
        Assert.False(current.GetProperty("granted").GetBoolean());
        Assert.Equal(withdrawnAt, current.GetProperty("changedAt").GetDateTimeOffset());

        var withdrawal = Assert.Single((await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray(),
            r => r.GetProperty("type").GetString() == "consent-withdrawal");
        Assert.Equal("completed", withdrawal.GetProperty("status").GetString());
        Assert.Equal(withdrawnAt, withdrawal.GetProperty("completedAt").GetDateTimeOffset());
        // The ledger lives in one partition per user, in the consents table.
        Assert.Equal(2, (await host.ScanTablesAsync()).Count(l => l.StartsWith(host.Prefix + "consents:", StringComparison.Ordinal) && l.Contains("PartitionKey=" + user.UserId, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Changes_made_in_the_same_instant_keep_their_order()
    {
        using var user = await Users.SignUpAsync(host);
        foreach (var granted in new[] { true, false, true, false })
        {
            using var put = await user.SendAsync(HttpMethod.Put, "/api/me/consents/product-research", new { granted });
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var ledger = host.Services.GetRequiredService<ConsentLedger>();
        Assert.Equal([false, true, false, true], (await ledger.HistoryAsync(user.UserId, default)).Select(r => r.Granted));
        Assert.False(await ledger.IsGrantedAsync(user.UserId, ConsentPurposes.ProductResearch));
        Assert.False((await user.GetJsonAsync("/api/me/consents")).GetProperty("items")[1].GetProperty("granted").GetBoolean());
    }

    [Fact]
    public async Task Setting_the_same_state_again_records_nothing_new()
    {
        using var user = await Users.SignUpAsync(host);
        using (await user.SendAsync(HttpMethod.Put, "/api/me/consents/product-research", new { granted = false })) { }
        using (await user.SendAsync(HttpMethod.Put, "/api/me/consents/product-research", new { granted = true })) { }
        using (await user.SendAsync(HttpMethod.Put, "/api/me/consents/product-research", new { granted = true })) { }

        var ledger = await host.Services.GetRequiredService<ConsentLedger>().HistoryAsync(user.UserId, default);
        Assert.Single(ledger);
        Assert.Empty((await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task An_unknown_purpose_is_404_and_a_bad_body_is_400_with_nothing_stored()
    {
        using var user = await Users.SignUpAsync(host);
        using (var unknown = await user.SendAsync(HttpMethod.Put, "/api/me/consents/sell-my-data", new { granted = true }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }
        using (var missing = await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.True((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("granted", out _));
        }
        using (var wrongType = await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = "yes" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        }
        Assert.Empty(await host.Services.GetRequiredService<ConsentLedger>().HistoryAsync(user.UserId, default));
        Assert.DoesNotContain(await host.ScanTablesAsync(), l => l.StartsWith(host.Prefix + "consents:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_purpose_added_later_starts_off_for_everyone()
    {
        using var user = await Users.SignUpAsync(host);
        using (await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = true })) { }
        var ledger = host.Services.GetRequiredService<ConsentLedger>();
        var later = new ConsentPurpose("voice-coaching", "Coaching vocal", "Voice coaching", "…", "…", "3.0.0");

        var states = await ledger.CurrentAsync(user.UserId, default, [.. ConsentPurposes.All, later]);

        Assert.True(states.Single(s => s.Purpose.Id == "marketing-emails").Granted);
        var added = states.Single(s => s.Purpose.Id == "voice-coaching");
        Assert.False(added.Granted);
        Assert.Null(added.ChangedAt);
        Assert.False(await ledger.IsGrantedAsync(user.UserId, "voice-coaching"));
    }

    [Fact]
    public async Task Marketing_mail_goes_only_to_those_who_consent_checked_at_send_time()
    {
        using var user = await Users.SignUpAsync(host);
        var mailer = host.Services.GetRequiredService<MarketingMailer>();

        Assert.False(await mailer.SendAsync(user.UserId, Tips, default));

        using (await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = true })) { }
        Assert.True(await mailer.SendAsync(user.UserId, Tips, default));
        var sent = Assert.Single(await Mailbox.WaitForAsync(host, user.Email, "Trois idées de live"));
        Assert.Contains("#/privacy", sent.GetProperty("text").GetString(), StringComparison.Ordinal);

        using (await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = false })) { }
        Assert.False(await mailer.SendAsync(user.UserId, Tips, default));
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Trois idées de live", expected: 1));
    }
}
