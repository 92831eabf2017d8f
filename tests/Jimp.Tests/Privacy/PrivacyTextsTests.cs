using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jimp.Functions.Accounts;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Jimp.Tests.Support;
using Microsoft.Extensions.Options;

namespace Jimp.Tests.Privacy;

/// <summary>A host whose owner raised the minimum age to 18 by configuration, without a developer.</summary>
public sealed class MinimumAge18Host : SharedHost
{
    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Accounts:MinimumAge"] = "18";
    }
}

/// <summary>
/// Texts that state a privacy fact say what the policy says (the numbers read from policy.fr.md), and the
/// numbers in them come from the configuration: the erasure e-mail per reason, the delete dialog, the age.
/// </summary>
public sealed partial class PrivacyTextsTests(MinimumAge18Host shared) : IClassFixture<MinimumAge18Host>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static readonly string PolicyFr = File.ReadAllText(RepositoryFiles.Path("docs", "privacy", "policy.fr.md")).Replace('\u00a0', ' ').Replace('\u202f', ' ');

    private static readonly string I18n = File.ReadAllText(RepositoryFiles.Path("web", "src", "i18n.ts")).Replace('\u00a0', ' ').Replace('\u202f', ' ');

    private static ErasureEmails Emails(int minimumAge = 16, int logMonths = 12, int inactivityMonths = 24, int blockDays = 3 * 365) => new(
        Options.Create(new AccountsOptions { MinimumAge = minimumAge }),
        Options.Create(new RetentionOptions { LogMonths = logMonths, InactivityErasureMonths = inactivityMonths }),
        Options.Create(new OperatorOptions { MinorBlockRetention = TimeSpan.FromDays(blockDays) }));

    private static string Body(ErasureEmails emails, string reason, string locale) => emails.For(reason, locale, "someone@example.test").Text.Replace('\u00a0', ' ').Replace('\u202f', ' ');

    [Fact]
    public void The_erasure_email_says_why_for_each_reason_and_what_remains_as_the_policy_says()
    {
        var retention = new RetentionOptions();
        var defaults = Emails();
        // The policy's numbers, read from the policy: the security log (12 months at most), the minors' blocklist (3 years).
        Assert.Contains($"journaux : {retention.LogMonths} mois maximum", PolicyFr, StringComparison.Ordinal);
        Assert.Contains("adresse bloquée d'une personne mineure : 3 ans", PolicyFr, StringComparison.Ordinal);
        Assert.Contains($"après {retention.InactivityErasureMonths} mois sans connexion", PolicyFr, StringComparison.Ordinal);

        foreach (var reason in new[] { ErasureReasons.UserRequest, ErasureReasons.Inactivity, ErasureReasons.Minor })
        {
            var fr = Body(defaults, reason, "fr");
            var en = Body(defaults, reason, "en");
            Assert.Equal(ErasureEmails.SubjectFr, defaults.For(reason, "fr", "a@example.test").Subject);
            Assert.Equal(ErasureEmails.SubjectEn, defaults.For(reason, "en", "a@example.test").Subject);
            // What remains is said, with the policy's number: the pseudonymised security log.
            Assert.Contains($"journal de sécurité", fr, StringComparison.Ordinal);
            Assert.Contains($"{retention.LogMonths} mois au plus", fr, StringComparison.Ordinal);
            Assert.Contains($"{retention.LogMonths} months", en, StringComparison.Ordinal);
            Assert.DoesNotContain("toutes ses données", fr, StringComparison.Ordinal);
            Assert.DoesNotContain("désormais oubliée", fr, StringComparison.Ordinal);
            Assert.Equal(reason == ErasureReasons.UserRequest, fr.Contains("Comme vous l'avez demandé", StringComparison.Ordinal));
            Assert.Equal(reason == ErasureReasons.UserRequest, en.Contains("As you asked", StringComparison.Ordinal));
        }
        Assert.Contains("depuis 24 mois", Body(defaults, ErasureReasons.Inactivity, "fr"), StringComparison.Ordinal);
        Assert.Contains("for 24 months", Body(defaults, ErasureReasons.Inactivity, "en"), StringComparison.Ordinal);
        Assert.Contains("16 ans ou plus", Body(defaults, ErasureReasons.Minor, "fr"), StringComparison.Ordinal);
        Assert.Contains("pendant 3 ans", Body(defaults, ErasureReasons.Minor, "fr"), StringComparison.Ordinal);
        Assert.Contains("for 3 years", Body(defaults, ErasureReasons.Minor, "en"), StringComparison.Ordinal);
        Assert.DoesNotContain("empreinte", Body(defaults, ErasureReasons.UserRequest, "fr"), StringComparison.Ordinal);

        // The owner changes the numbers by configuration; the e-mail follows.
        var configured = Emails(minimumAge: 18, logMonths: 6, inactivityMonths: 36, blockDays: 730);
        Assert.Contains("18 ans ou plus", Body(configured, ErasureReasons.Minor, "fr"), StringComparison.Ordinal);
        Assert.Contains("6 mois au plus", Body(configured, ErasureReasons.UserRequest, "fr"), StringComparison.Ordinal);
        Assert.Contains("depuis 36 mois", Body(configured, ErasureReasons.Inactivity, "fr"), StringComparison.Ordinal);
        Assert.Contains("pendant 2 ans", Body(configured, ErasureReasons.Minor, "fr"), StringComparison.Ordinal);
        Assert.Contains("aged 18 or older", Body(configured, ErasureReasons.Minor, "en"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_delete_dialog_says_what_remains_as_the_policy_says()
    {
        var months = new RetentionOptions().LogMonths;
        Assert.Contains($"| Journal de sécurité et journaux techniques | {months} mois maximum", PolicyFr, StringComparison.Ordinal);
        var (fr, en) = Texts("privacy.deleteBody");
        Assert.Contains("journal de sécurité", fr, StringComparison.Ordinal);
        Assert.Contains("identifiant à sens unique", fr, StringComparison.Ordinal);
        Assert.Contains($"{months} mois au plus", fr, StringComparison.Ordinal);
        Assert.Contains("security log", en, StringComparison.Ordinal);
        Assert.Contains($"at most {months} months", en, StringComparison.Ordinal);
        Assert.DoesNotContain("Seule une trace", fr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_workspace_informs_where_its_numbers_are_collected_as_the_policy_says()
    {
        // The policy (2.1.0, section 2) describes the workspace; until that version is in force the page itself must
        // give the same facts before anything is entered (art. 13 at collection).
        foreach (var fact in new[] { "**Votre espace créateur** (facultatif)", "Ils ne sont\n  jamais envoyés à TikTok", "Ils n'entrent dans aucune statistique agrégée" })
        {
            Assert.Contains(fact, PolicyFr.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        var (fr1, en1) = Texts("ws.privacy1");
        var (fr2, en2) = Texts("ws.privacy2");
        var (fr3, en3) = Texts("ws.privacy3");
        Assert.Contains("facultatif", fr1, StringComparison.Ordinal);
        Assert.Contains("optional", en1, StringComparison.Ordinal);
        Assert.Contains("Rien n'est envoyé à TikTok", fr2, StringComparison.Ordinal);
        Assert.Contains("aucune statistique agrégée", fr2, StringComparison.Ordinal);
        Assert.Contains("Nothing is sent to TikTok", en2, StringComparison.Ordinal);
        Assert.Contains("aggregate statistics", en2, StringComparison.Ordinal);
        Assert.Contains("export", fr3, StringComparison.Ordinal);
        Assert.Contains("effacés avec ton compte", fr3, StringComparison.Ordinal);
        Assert.Contains("erased with your account", en3, StringComparison.Ordinal);
        // No number that could drift from the configured inactivity period.
        Assert.False(Digits().IsMatch(fr1 + fr2 + fr3 + en1 + en2 + en3), "the workspace notice states a number");
        // Shown first on the page, before the first form.
        var view = File.ReadAllText(RepositoryFiles.Path("web", "src", "views", "workspace.ts"));
        var notice = view.IndexOf("privacyNotice(),", StringComparison.Ordinal);
        Assert.True(notice > 0 && notice < view.IndexOf("section('ws.productsTitle'", StringComparison.Ordinal), "the notice is not shown before the products form");
    }

    [Fact]
    public async Task The_age_on_the_sign_up_form_comes_from_the_configuration()
    {
        // The web texts hold a placeholder, never a number.
        foreach (var key in new[] { "signin.age", "signin.errorAge" })
        {
            var (fr, en) = Texts(key);
            Assert.Contains("{age}", fr, StringComparison.Ordinal);
            Assert.Contains("{age}", en, StringComparison.Ordinal);
            Assert.False(Digits().IsMatch(fr + en), $"{key} states a number: {fr} / {en}");
        }
        // The app serves the configured age (this host: 18), which the form shows, and refuses a sign-up without it.
        var policy = await host.Client.GetFromJsonAsync<JsonElement>("/api/policy");
        Assert.Equal(18, policy.GetProperty("minimumAge").GetInt32());
        using var refused = await Users.RequestLinkAsync(host, new { email = "someone@example.test", locale = "en", ageConfirmed = false, acceptedPolicyVersion = policy.GetProperty("current").GetString() });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("18", problem.GetProperty("errors").GetProperty("ageConfirmed")[0].GetString(), StringComparison.Ordinal);
    }

    /// <summary>A key's French and English texts in web/src/i18n.ts (the first and second occurrence).</summary>
    private static (string Fr, string En) Texts(string key)
    {
        var matches = Regex.Matches(I18n, $"^  '{Regex.Escape(key)}': (['\"])(.*)\\1,$", RegexOptions.Multiline);
        Assert.Equal(2, matches.Count);
        return (matches[0].Groups[2].Value, matches[1].Groups[2].Value);
    }

    [GeneratedRegex("[0-9]")]
    private static partial Regex Digits();
}
