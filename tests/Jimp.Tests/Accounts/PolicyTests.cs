using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Accounts;
using Jimp.Functions.Privacy;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Tests.Accounts;

[Collection(SharedHostCollection.Name)]
public sealed class PolicyTests(SharedHost shared)
{
    [Fact]
    public async Task The_policy_is_served_from_docs_in_french_and_english_with_its_version()
    {
        await using var host = shared.ForTest();
        var policy = await host.Client.GetFromJsonAsync<JsonElement>("/api/policy");

        Assert.Equal("2.0.0", policy.GetProperty("current").GetString());
        var fr = policy.GetProperty("documents").GetProperty("fr").GetString()!;
        var en = policy.GetProperty("documents").GetProperty("en").GetString()!;
        // 2.0.0 is the version in force: its text is kept under docs/privacy/versions once a newer one is published.
        var repoFr = await File.ReadAllTextAsync(Path.Combine(TestAzurite.RepositoryRoot, "docs", "privacy", "versions", "2.0.0.fr.md"));
        Assert.EndsWith(fr.Trim(), repoFr.Trim(), StringComparison.Ordinal);
        Assert.Contains("CNIL", fr, StringComparison.Ordinal);
        Assert.Contains("CNIL", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_workspace_change_is_a_new_material_version_published_from_docs_and_not_in_force_before_its_notice()
    {
        await using var host = shared.ForTest();
        var policy = await host.Client.GetFromJsonAsync<JsonElement>("/api/policy");
        var v21 = policy.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == "2.1.0");
        Assert.True(v21.GetProperty("material").GetBoolean());
        Assert.Equal("2027-01-04", v21.GetProperty("effective").GetString());
        // Not announced: 2.0.0 stays in force, whatever the date.
        Assert.Equal("2.0.0", policy.GetProperty("current").GetString());
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal("2.0.0", (await host.Client.GetFromJsonAsync<JsonElement>("/api/policy")).GetProperty("current").GetString());

        // The new text is docs/privacy/policy.fr.md and says what the workspace is; 2.0.0's text was not edited to say it.
        var text = (await host.Client.GetFromJsonAsync<JsonElement>("/api/policy?version=2.1.0")).GetProperty("documents");
        var repoFr = await File.ReadAllTextAsync(Path.Combine(TestAzurite.RepositoryRoot, "docs", "privacy", "policy.fr.md"));
        Assert.EndsWith(text.GetProperty("fr").GetString()!.Trim(), repoFr.Trim(), StringComparison.Ordinal);
        Assert.Contains("Votre espace créateur", text.GetProperty("fr").GetString(), StringComparison.Ordinal);
        Assert.Contains("Your creator workspace", text.GetProperty("en").GetString(), StringComparison.Ordinal);
        var current = policy.GetProperty("documents");
        Assert.DoesNotContain("espace créateur", current.GetProperty("fr").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("creator workspace", current.GetProperty("en").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_policy_version_is_a_404_problem()
    {
        await using var host = shared.ForTest();
        using var response = await host.Client.GetAsync("/api/policy?version=9.9.9");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void A_material_version_is_in_force_only_30_days_after_its_announcement_completed_and_never_unannounced()
    {
        var v2 = PolicyDocuments.Parse("---\nversion: 2.0.0\ndate: 2026-11-28\neffective: 2026-11-28\nmaterial: true\nlanguage: fr\n---\nv2");
        var v3 = PolicyDocuments.Parse("---\nversion: 3.0.0\ndate: 2027-01-01\neffective: 2027-02-01\nmaterial: true\nlanguage: fr\n---\nv3");
        var v301 = PolicyDocuments.Parse("---\nversion: 3.0.1\ndate: 2027-03-01\neffective: 2027-03-01\nmaterial: false\nlanguage: fr\n---\nv3.0.1");
        var docs = new PolicyDocuments([v2, v3]);

        // Never announced: its date comes and goes, the first version stays in force, and nothing is "upcoming".
        var unannounced = docs.Schedule();
        Assert.Equal("2.0.0", unannounced.Current(new DateOnly(2027, 6, 1)).Version);
        Assert.Null(unannounced.Upcoming(new DateOnly(2027, 1, 31)));
        Assert.Null(unannounced.InForceFrom(unannounced.Versions[1]));

        // Announced (mailing completed) on 10 January: in force 30 days later, on 9 February, not on its 1 February.
        var late = docs.Schedule(new Dictionary<string, DateTimeOffset> { ["3.0.0"] = new(2027, 1, 10, 23, 0, 0, TimeSpan.Zero) });
        Assert.Equal("2.0.0", late.Current(new DateOnly(2027, 2, 1)).Version);
        Assert.Equal("2.0.0", late.Current(new DateOnly(2027, 2, 8)).Version);
        Assert.Equal("3.0.0", late.Upcoming(new DateOnly(2027, 2, 8))!.Version);
        Assert.Equal(new DateOnly(2027, 2, 9), late.InForceFrom(late.Upcoming(new DateOnly(2027, 2, 8))!));
        Assert.Equal("3.0.0", late.Current(new DateOnly(2027, 2, 9)).Version);
        Assert.Null(late.Upcoming(new DateOnly(2027, 2, 9)));

        // Announced in time (1 December): in force on its own date.
        var onTime = docs.Schedule(new Dictionary<string, DateTimeOffset> { ["3.0.0"] = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero) });
        Assert.Equal("2.0.0", onTime.Current(new DateOnly(2027, 1, 31)).Version);
        Assert.Equal("3.0.0", onTime.Upcoming(new DateOnly(2027, 1, 31))!.Version);
        Assert.Equal("3.0.0", onTime.Current(new DateOnly(2027, 2, 1)).Version);

        // A non-material version needs no announcement.
        var fix = new PolicyDocuments([v2, v3, v301]).Schedule(new Dictionary<string, DateTimeOffset> { ["3.0.0"] = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero) });
        Assert.Equal("3.0.1", fix.Current(new DateOnly(2027, 3, 1)).Version);
    }

    [Fact]
    public async Task Using_the_app_never_accepts_a_newer_policy_only_an_explicit_acceptance_does()
    {
        // The published versions, plus a 3.0.0 that takes effect on 10 December 2026.
        var documents = PolicyDocuments.Embedded.Versions.SelectMany(v => v.ByLanguage.Values)
            .Concat(new[] { "fr", "en" }.Select(l => PolicyDocuments.Parse($"---\nversion: 3.0.0\ndate: 2026-11-28\neffective: 2026-12-10\nmaterial: true\nlanguage: {l}\n---\nv3")))
            .ToList();
        await using var host = await JimpTestHost.StartAsync(o => o.Services = s =>
        {
            s.RemoveAll<PolicyDocuments>();
            s.AddSingleton(new PolicyDocuments(documents));
        });
        await Jimp.Tests.Privacy.PolicyAnnouncementTests.MarkAnnouncedAsync(host, "3.0.0", new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero));
        using var user = await CoachingApiTests.OnboardedAsync(host);
        var accounts = host.Services.GetRequiredService<AccountStore>();
        var acceptedAt = (await accounts.GetAsync(user.UserId, default))!.AcceptedPolicyAt;
        host.Clock.Advance(TimeSpan.FromDays(14)); // 3.0.0 is in effect

        // A fortnight of use: reading, rectifying the profile, chatting, objecting.
        var me = await user.GetJsonAsync("/api/me");
        using (var profile = await user.SendAsync(HttpMethod.Put, "/api/me/profile", CoachingApiTests.FrenchProfile)) Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        using (var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = "c'est quoi un bon hook" }))
        {
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            await Sse.ReadAllAsync(turn);
        }
        using (var objection = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = true })) Assert.Equal(HttpStatusCode.OK, objection.StatusCode);
        me = await user.GetJsonAsync("/api/me");

        Assert.Equal("2.0.0", me.GetProperty("acceptedPolicyVersion").GetString());
        Assert.Equal("3.0.0", me.GetProperty("currentPolicyVersion").GetString());
        Assert.True(me.GetProperty("newerPolicyAwaits").GetBoolean());
        var account = (await accounts.GetAsync(user.UserId, default))!;
        Assert.Equal(("2.0.0", acceptedAt), (account.AcceptedPolicyVersion, account.AcceptedPolicyAt));

        // Signing in again while accepting 3.0.0 is what records the acceptance.
        using (var link = await Users.RequestLinkAsync(host, new { email = user.Email, locale = "fr", ageConfirmed = true, acceptedPolicyVersion = "3.0.0", acceptedTermsVersion = "1.0.0" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        }
        using (var verified = await Users.VerifyAsync(host, await Users.ReadTokenFromMailAsync(host, user.Email, expectedMails: 2))) Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        account = (await accounts.GetAsync(user.UserId, default))!;
        Assert.Equal(("3.0.0", host.Clock.GetUtcNow()), (account.AcceptedPolicyVersion, account.AcceptedPolicyAt));
    }
}
