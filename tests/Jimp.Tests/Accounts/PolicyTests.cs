using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;

namespace Jimp.Tests.Accounts;

public sealed class PolicyTests
{
    [Fact]
    public async Task The_policy_is_served_from_docs_in_french_and_english_with_its_version()
    {
        await using var host = await JimpTestHost.StartAsync();
        var policy = await host.Client.GetFromJsonAsync<JsonElement>("/api/policy");

        Assert.Equal("2.0.0", policy.GetProperty("current").GetString());
        var fr = policy.GetProperty("documents").GetProperty("fr").GetString()!;
        var en = policy.GetProperty("documents").GetProperty("en").GetString()!;
        var repoFr = await File.ReadAllTextAsync(Path.Combine(TestAzurite.RepositoryRoot, "docs", "privacy", "policy.fr.md"));
        Assert.EndsWith(fr.Trim(), repoFr.Trim(), StringComparison.Ordinal);
        Assert.Contains("CNIL", fr, StringComparison.Ordinal);
        Assert.Contains("CNIL", en, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_policy_version_is_a_404_problem()
    {
        await using var host = await JimpTestHost.StartAsync();
        using var response = await host.Client.GetAsync("/api/policy?version=9.9.9");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void An_upcoming_material_version_is_announced_before_it_takes_effect_and_never_current_early()
    {
        var v2 = PolicyDocuments.Parse("---\nversion: 2.0.0\ndate: 2026-11-28\neffective: 2026-11-28\nmaterial: true\nlanguage: fr\n---\nv2");
        var v3 = PolicyDocuments.Parse("---\nversion: 3.0.0\ndate: 2027-01-01\neffective: 2027-02-01\nmaterial: true\nlanguage: fr\n---\nv3");
        var docs = new PolicyDocuments([v2, v3]);

        Assert.Equal("2.0.0", docs.Current(new DateOnly(2027, 1, 31)).Version);
        Assert.Equal("3.0.0", docs.Upcoming(new DateOnly(2027, 1, 31))!.Version);
        Assert.Equal("3.0.0", docs.Current(new DateOnly(2027, 2, 1)).Version);
        Assert.Null(docs.Upcoming(new DateOnly(2027, 2, 1)));
    }
}
