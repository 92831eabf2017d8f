using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

/// <summary>Exports, conversations and consent changes are capped per user: past the cap a 429 problem with Retry-After, nothing stored.</summary>
public sealed class UserCapsTests
{
    [Fact]
    public async Task Past_each_cap_a_user_gets_a_429_problem_with_Retry_After_and_nothing_is_stored()
    {
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Caps:ExportsPerDay"] = "1";
            o.Settings["Caps:ConversationsPerDay"] = "2";
            o.Settings["Caps:ConsentChangesPerHour"] = "2";
        });
        using var user = await Users.SignUpAsync(host);

        for (var i = 0; i < 2; i++)
        {
            using var created = await user.SendAsync(HttpMethod.Post, "/api/conversations", new { title = "ok " + i });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var third = await user.SendAsync(HttpMethod.Post, "/api/conversations", new { title = "one too many" })) await AssertCappedAsync(third);
        Assert.DoesNotContain("one too many", string.Join("\n", await host.ScanTablesAsync()), StringComparison.Ordinal);

        for (var i = 0; i < 2; i++)
        {
            using var changed = await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = i == 0 });
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }
        var consentsBefore = (await host.ScanTablesAsync()).Count(l => l.StartsWith(host.Prefix + "consents", StringComparison.Ordinal));
        using (var third = await user.SendAsync(HttpMethod.Put, "/api/me/consents/marketing-emails", new { granted = true })) await AssertCappedAsync(third);
        Assert.Equal(consentsBefore, (await host.ScanTablesAsync()).Count(l => l.StartsWith(host.Prefix + "consents", StringComparison.Ordinal)));

        await PrivacyFixture.ExportAndWaitAsync(host, user);
        using (var second = await user.SendAsync(HttpMethod.Post, "/api/me/exports")) await AssertCappedAsync(second);
        var exports = await user.GetJsonAsync("/api/me/exports");
        Assert.Single(exports.GetProperty("items").EnumerateArray());

        // The windows pass: the user can act again.
        host.Clock.Advance(TimeSpan.FromDays(1));
        using var later = await user.SendAsync(HttpMethod.Post, "/api/conversations", new { title = "tomorrow" });
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
    }

    private static async Task AssertCappedAsync(HttpResponseMessage response)
    {
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        Assert.Equal("rate-limited", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
