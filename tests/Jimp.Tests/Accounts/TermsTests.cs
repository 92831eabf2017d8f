using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Privacy;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Accounts;

/// <summary>The terms of use (CGU): the contract, served FR/EN with a version, accepted at every sign-up and sign-in.</summary>
[Collection(SharedHostCollection.Name)]
public sealed class TermsTests(SharedHost shared) : IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task The_terms_are_served_in_french_and_english_with_their_version_and_the_legal_notice()
    {
        var terms = await host.Client.GetFromJsonAsync<JsonElement>("/api/terms");
        Assert.Equal("1.0.0", terms.GetProperty("current").GetString());
        Assert.Equal("1.0.0", terms.GetProperty("version").GetString());
        var fr = terms.GetProperty("documents").GetProperty("fr").GetString()!;
        var en = terms.GetProperty("documents").GetProperty("en").GetString()!;
        Assert.Contains("# Conditions générales d'utilisation de JIMP", fr, StringComparison.Ordinal);
        Assert.Contains("# JIMP terms of use", en, StringComparison.Ordinal);
        // The legal notice (LCEN art. 6 III): publisher, publication director, host; and the contract's own rules.
        foreach (var phrase in new[] { "Éditeur", "Directeur de la publication", "Hébergeur", "Microsoft Ireland Operations Limited", "au moins 30 jours", "jamais acceptation", "droit français" })
        {
            Assert.Contains(phrase, fr, StringComparison.Ordinal);
        }
        foreach (var phrase in new[] { "Publisher", "Publication director", "Host", "at least 30 days", "never counts as accepting", "French law" })
        {
            Assert.Contains(phrase, en, StringComparison.Ordinal);
        }
        Assert.Contains($"**{new AccountsOptions().MinimumAge} ans** ou plus", fr, StringComparison.Ordinal);
        Assert.Contains(terms.GetProperty("versions").EnumerateArray(), v => v.GetProperty("version").GetString() == "1.0.0");
        using var unknown = await host.Client.GetAsync("/api/terms?version=9.9.9");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Sign_up_accepts_the_terms_and_the_account_records_the_version_and_when_it_was_accepted()
    {
        var acceptedAt = host.Clock.GetUtcNow();
        using var user = await Users.SignUpAsync(host);
        var users = await host.Storage.TableAsync(AccountStore.UsersTable);
        var row = (await users.GetEntityAsync<TableEntity>(user.UserId, AccountStore.AccountRow)).Value;
        Assert.Equal("1.0.0", row.GetString("AcceptedTermsVersion"));
        var firstAcceptance = row.GetDateTimeOffset("AcceptedTermsAt")!.Value;
        Assert.True((firstAcceptance - acceptedAt).Duration() < TimeSpan.FromSeconds(1), $"accepted at {firstAcceptance:O}, expected {acceptedAt:O}");
        Assert.Equal("2.0.0", row.GetString("AcceptedPolicyVersion"));

        // Signing in again later with the same version keeps the first acceptance time; a later account write keeps the columns.
        host.Clock.Advance(TimeSpan.FromDays(2));
        using (await Users.SignInAgainAsync(host, user)) { }
        row = (await users.GetEntityAsync<TableEntity>(user.UserId, AccountStore.AccountRow)).Value;
        Assert.Equal("1.0.0", row.GetString("AcceptedTermsVersion"));
        Assert.Equal(firstAcceptance, row.GetDateTimeOffset("AcceptedTermsAt"));

        // The export holds it (the users store exports every column).
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user);
        using var zip = await PrivacyFixture.DownloadAsync(user, exportId);
        using var data = JsonDocument.Parse(zip.GetEntry("data.json")!.Open());
        var account = data.RootElement.GetProperty("stores").GetProperty("users").EnumerateArray().Single();
        Assert.Equal("1.0.0", account.GetProperty("accepted_terms_version").GetString());
    }

    [Fact]
    public async Task A_link_request_without_the_terms_in_force_is_refused_on_that_field_and_sends_nothing()
    {
        var email = $"terms-{Guid.NewGuid():N}@example.test";
        foreach (var body in new object[]
                 {
                     new { email, locale = "fr", ageConfirmed = true, acceptedPolicyVersion = "2.0.0" },
                     new { email, locale = "fr", ageConfirmed = true, acceptedPolicyVersion = "2.0.0", acceptedTermsVersion = "0.9.0" },
                 })
        {
            using var refused = await Users.RequestLinkAsync(host, body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains("1.0.0", problem.GetProperty("errors").GetProperty("acceptedTermsVersion")[0].GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, email, "Votre lien de connexion", expected: 0));
    }

    [Fact]
    public async Task The_policy_says_the_contract_is_the_terms_and_only_acknowledges_itself()
    {
        var fr = File.ReadAllText(RepositoryFiles.Path("docs", "privacy", "policy.fr.md"));
        var en = File.ReadAllText(RepositoryFiles.Path("docs", "privacy", "policy.en.md"));
        Assert.Contains("Exécution du contrat : les conditions générales d'utilisation (CGU) que vous acceptez à l'inscription (art. 6.1.b RGPD)", fr, StringComparison.Ordinal);
        Assert.Contains("Performance of the contract: the terms of use (CGU) you accept at sign-up (Art. 6(1)(b) GDPR)", en, StringComparison.Ordinal);
        Assert.Equal(PolicyDocuments.EmbeddedTerms.Versions[^1].Version, (await host.Services.GetRequiredService<TermsOfUse>().CurrentAsync(default)).Version);
    }
}
