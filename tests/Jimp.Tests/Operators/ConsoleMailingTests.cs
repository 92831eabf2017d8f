using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform;
using Jimp.Functions.Privacy;
using Jimp.Tests.Mailings;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Operators;

/// <summary>
/// A shared host for the console's bulk mailings: fresh operator addresses, made-up CGU versions
/// (<see cref="ConsoleMailingTests.Terms"/>), the real SMTP sender behind a probe, and mailings that look at the clock often.
/// </summary>
public sealed class ConsoleMailingHost : SharedHost
{
    private readonly string[] operators = Enumerable.Range(0, 20).Select(_ => Users.NewEmail("operator")).ToArray();
    private int next = -1;

    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Operators:Addresses"] = string.Join(", ", operators);
        options.Services = s =>
        {
            s.AddSingleton(new TermsDocuments(ConsoleMailingTests.Terms()));
            ProbeEmailSender.Register(s);
        };
        MailingTestKit.FastMailings(options);
    }

    public string NextOperator() => operators[Interlocked.Increment(ref next)];
}

/// <summary>
/// The owner's console mails people in two ways, both through the durable bulk mailing: the announcement of a
/// material CGU version (which then cannot take effect less than 30 days after the announcement completed), and
/// marketing campaigns, sent only through the consent-checking <see cref="MarketingMailer"/>.
/// </summary>
public sealed partial class ConsoleMailingTests : IClassFixture<ConsoleMailingHost>, IAsyncDisposable
{
    private readonly JimpTestHost host;
    private readonly ConsoleMailingHost shared;

    public ConsoleMailingTests(ConsoleMailingHost shared)
    {
        this.shared = shared;
        host = shared.ForTest();
        Probe.BeforeSend = null; // a hook another test of this host set
    }

    public ValueTask DisposeAsync() => host.DisposeAsync();

    // The test clock starts on 28 November 2026: 1.1.0 takes effect in 22 days (too soon to announce), 2.0.0 in 48.
    internal static PolicyDocuments Terms() => new(
    [
        Doc("1.0.0", "2026-11-01", "2026-11-01", "fr"), Doc("1.0.0", "2026-11-01", "2026-11-01", "en"),
        Doc("1.1.0", "2026-11-28", "2026-12-20", "fr"), Doc("1.1.0", "2026-11-28", "2026-12-20", "en"),
        Doc("2.0.0", "2026-11-28", "2027-01-15", "fr"), Doc("2.0.0", "2026-11-28", "2027-01-15", "en"),
    ]);

    private static PolicyDocument Doc(string version, string date, string effective, string language) =>
        PolicyDocuments.Parse($"---\nversion: {version}\ndate: {date}\neffective: {effective}\nmaterial: true\nlanguage: {language}\n---\nCGU {version}");

    private ProbeEmailSender Probe => shared.Host.Services.GetRequiredService<ProbeEmailSender>();

    private DurableTaskClient Durable => host.Services.GetRequiredService<DurableTaskClient>();

    private static readonly object Campaign = new
    {
        subjectFr = "Cinq accroches qui marchent",
        textFr = "Voici cinq accroches pour vos vidéos de la semaine.",
        subjectEn = "Five hooks that work",
        textEn = "Here are five hooks for this week's videos.",
    };

    private Task<UserClient> OperatorAsync(string locale = "fr") => Users.SignUpAsync(host, shared.NextOperator(), locale);

    private static async Task<JsonElement> OkAsync(UserClient user, HttpMethod method, string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await user.SendAsync(method, path, body);
        Assert.True(response.StatusCode == expected, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<string> CurrentTermsAsync() => (await host.Client.GetFromJsonAsync<JsonElement>("/api/terms")).GetProperty("current").GetString()!;

    private static JsonElement Row(JsonElement view, string version) =>
        view.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetString() == version);

    // ---- the CGU ----

    [Fact]
    public async Task A_material_cgu_version_announced_from_the_console_is_mailed_once_to_everyone_in_their_language_and_a_second_announcement_sends_nothing()
    {
        using var op = await OperatorAsync();
        using var alice = await Users.SignUpAsync(host, locale: "fr");
        using var bob = await Users.SignUpAsync(host, locale: "en");

        var before = await OkAsync(op, HttpMethod.Get, "/api/console/terms");
        Assert.True(Row(before, "1.0.0").GetProperty("current").GetBoolean());
        Assert.True(Row(before, "2.0.0").GetProperty("upcoming").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Row(before, "2.0.0").GetProperty("inForceFrom").ValueKind); // not announced: never in force
        Assert.Equal(JsonValueKind.Null, Row(before, "2.0.0").GetProperty("announcement").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await alice.GetJsonAsync("/api/me")).GetProperty("upcomingTerms").ValueKind); // nothing to announce in the app yet

        // Not confirmed: a field error in the owner's language, nothing sent.
        var unconfirmed = await OkAsync(op, HttpMethod.Post, "/api/console/terms/2.0.0/announce", new { confirm = "2.0" }, HttpStatusCode.BadRequest);
        Assert.Equal("Retapez le numéro de version pour confirmer.", unconfirmed.GetProperty("errors").GetProperty("confirm")[0].GetString());

        using var response = await op.SendAsync(HttpMethod.Post, "/api/console/terms/2.0.0/announce", new { confirm = "2.0.0" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        var mailingId = started.GetProperty("mailingId").GetString()!;
        Assert.False(started.GetProperty("alreadyStarted").GetBoolean());
        Assert.Equal("/api/console/mailings/" + mailingId, response.Headers.Location?.OriginalString);
        var progress = await MailingTestKit.WaitAsync(host, mailingId);
        Assert.Equal((3, 0, 0, 3), (progress.Sent, progress.Skipped, progress.Failed, progress.Total));
        var polled = await OkAsync(op, HttpMethod.Get, "/api/console/mailings/" + mailingId);
        Assert.Equal("finished", polled.GetProperty("status").GetString());

        var fr = Assert.Single(await Mailbox.WaitForAsync(host, alice.Email, "Les conditions générales d'utilisation de JIMP changent le 15 janvier 2027"));
        Assert.Contains("#/terms?version=2.0.0", fr.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Rien n'est accepté du simple fait de continuer", fr.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Single(await Mailbox.WaitForAsync(host, bob.Email, "JIMP's terms of use change on 15 January 2027"));

        var again = await OkAsync(op, HttpMethod.Post, "/api/console/terms/2.0.0/announce", new { confirm = "2.0.0" }, HttpStatusCode.Accepted);
        Assert.True(again.GetProperty("alreadyStarted").GetBoolean());
        Assert.Equal(mailingId, again.GetProperty("mailingId").GetString());
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, alice.Email, "Les conditions générales d'utilisation de JIMP changent", expected: 1));

        // Announced on 28 November: in force on its own date (more than 30 days later), not before; the policy's markers are untouched.
        var after = await OkAsync(op, HttpMethod.Get, "/api/console/terms");
        Assert.Equal("2027-01-15", Row(after, "2.0.0").GetProperty("inForceFrom").GetString());
        Assert.Equal(mailingId, Row(after, "2.0.0").GetProperty("announcement").GetProperty("mailingId").GetString());
        Assert.NotEqual(JsonValueKind.Null, Row(after, "2.0.0").GetProperty("announcement").GetProperty("completedAt").ValueKind);
        Assert.Equal("1.0.0", await CurrentTermsAsync());
        // Announced in the app too: /api/me gives the next version and its first day in force.
        var upcoming = (await alice.GetJsonAsync("/api/me")).GetProperty("upcomingTerms");
        Assert.Equal("2.0.0", upcoming.GetProperty("version").GetString());
        Assert.Equal("2027-01-15", upcoming.GetProperty("effective").GetString());
        var policy = await OkAsync(op, HttpMethod.Get, "/api/console/policy");
        Assert.All(policy.GetProperty("versions").EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.GetProperty("announcement").ValueKind));
        Assert.Contains(await SecurityEventsAsync(op), d => d == "console:announce-terms:2.0.0");
    }

    [Fact]
    public async Task A_cgu_version_less_than_30_days_away_is_refused_in_the_owners_language_and_nobody_is_mailed()
    {
        using var op = await OperatorAsync("en");
        using var user = await Users.SignUpAsync(host);

        var refused = await OkAsync(op, HttpMethod.Post, "/api/console/terms/1.1.0/announce", new { confirm = "1.1.0" }, HttpStatusCode.BadRequest);
        Assert.Equal("notice-period", refused.GetProperty("code").GetString());
        Assert.Contains("Move its effective date to 28 December 2026 or later", refused.GetProperty("errors").GetProperty("effective")[0].GetString(), StringComparison.Ordinal);
        var unknown = await OkAsync(op, HttpMethod.Post, "/api/console/terms/9.9.9/announce", new { confirm = "9.9.9" }, HttpStatusCode.NotFound);
        Assert.Equal("not-found", unknown.GetProperty("code").GetString());

        Assert.Empty(await MarkersAsync());
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, user.Email, "conditions générales", expected: 0));
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 21, 9, 0, 0, TimeSpan.Zero)); // past 1.1.0's date: never announced, never in force
        Assert.Equal("1.0.0", await CurrentTermsAsync());
    }

    [Fact]
    public async Task A_material_cgu_version_is_never_in_force_unannounced_and_only_30_days_after_its_announcement_completed()
    {
        // Announced 30 days ahead on 16 December, but the mailing (held by the mail server) completes only on 20 December:
        // the 30 days count from there, so 2.0.0 is not in force on its 15 January.
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 16, 9, 0, 0, TimeSpan.Zero));
        using var user = await Users.SignUpAsync(host);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Probe.BeforeSend = async m =>
        {
            if (!m.Subject.Contains("conditions générales", StringComparison.Ordinal)) return;
            held.TrySetResult();
            await release.Task;
        };
        var announcements = host.Services.GetRequiredService<TermsAnnouncements>();
        var version = host.Services.GetRequiredService<TermsOfUse>().Documents.Versions.Single(v => v.Version == "2.0.0");
        var started = await announcements.AnnounceAsync(version, Durable, default);
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 20, 9, 0, 0, TimeSpan.Zero));
        release.SetResult();
        var progress = await MailingTestKit.WaitAsync(host, started.MailingId);
        Assert.Equal(1, progress.Sent);
        Assert.Equal(new DateOnly(2026, 12, 20), DateOnly.FromDateTime(progress.FinishedAt!.Value.UtcDateTime));

        // 1.1.0 was never announced: its date (20 December) comes and goes, sign-up still accepts 1.0.0 and refuses 1.1.0.
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 21, 9, 0, 0, TimeSpan.Zero));
        Assert.Equal("1.0.0", await CurrentTermsAsync());
        await AssertSignUpAcceptsAsync("1.0.0", refused: "1.1.0");

        var schedule = await host.Services.GetRequiredService<TermsOfUse>().ScheduleAsync(default);
        Assert.Equal(new DateOnly(2027, 1, 19), schedule.InForceFrom(version));
        Assert.Null(schedule.InForceFrom(schedule.Versions.Single(v => v.Version == "1.1.0")));
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 18, 23, 30, 0, TimeSpan.Zero)); // past its 15 January, 29 days after the announcement: still 1.0.0
        Assert.Equal("1.0.0", await CurrentTermsAsync());
        await AssertSignUpAcceptsAsync("1.0.0", refused: "2.0.0");
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 19, 0, 30, 0, TimeSpan.Zero)); // 30 days after: 2.0.0
        Assert.Equal("2.0.0", await CurrentTermsAsync());
        await AssertSignUpAcceptsAsync("2.0.0", refused: "1.0.0");
    }

    /// <summary>A link request must accept <paramref name="accepted"/>, the version in force; <paramref name="refused"/> is a field error.</summary>
    private async Task AssertSignUpAcceptsAsync(string accepted, string refused)
    {
        var email = Users.NewEmail("terms");
        using (var no = await Users.RequestLinkAsync(host, new { email, locale = "fr", ageConfirmed = true, acceptedPolicyVersion = "2.0.0", acceptedTermsVersion = refused }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, no.StatusCode);
            var problem = await no.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(accepted, problem.GetProperty("errors").GetProperty("acceptedTermsVersion")[0].GetString(), StringComparison.Ordinal);
        }
        using var yes = await Users.RequestLinkAsync(host, new { email, locale = "fr", ageConfirmed = true, acceptedPolicyVersion = "2.0.0", acceptedTermsVersion = accepted });
        Assert.Equal(HttpStatusCode.Accepted, yes.StatusCode);
    }

    private async Task<List<TableEntity>> MarkersAsync()
    {
        var table = await host.Storage.TableAsync(PolicyAnnouncements.Table);
        var list = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == TermsOfUse.Partition)) list.Add(e);
        return list;
    }

    private async Task<IReadOnlyList<string?>> SecurityEventsAsync(UserClient op) =>
        (await host.Services.GetRequiredService<SecurityLog>().RecentAsync(op.UserId, 100, 1, default)).Select(e => e.Detail).ToList();

    // ---- campaigns ----

    private static async Task ConsentAsync(UserClient user, bool granted)
    {
        using var put = await user.SendAsync(HttpMethod.Put, $"/api/me/consents/{ConsentPurposes.MarketingEmails}", new { granted });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    private async Task<UserClient> ConsentingAsync(string locale = "fr")
    {
        var user = await Users.SignUpAsync(host, locale: locale);
        await ConsentAsync(user, true);
        return user;
    }

    private static string Header(JsonElement mail, string name)
    {
        Assert.True(mail.GetProperty("headers").TryGetProperty(name, out var value), $"the mail has no {name} header");
        return value.GetString()!;
    }

    private async Task<int> MailingRowsAsync()
    {
        var table = await host.Storage.TableAsync(MailingStore.Table);
        var n = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>()) n++;
        return n;
    }

    [Fact]
    public async Task A_campaign_reaches_only_the_people_who_consent_each_with_the_one_click_unsubscribe_and_the_console_shows_a_count_and_its_progress()
    {
        using var op = await OperatorAsync();
        using var alice = await ConsentingAsync("fr");
        using var bob = await ConsentingAsync("en");
        using var carol = await Users.SignUpAsync(host); // never consented
        using var dave = await ConsentingAsync();
        using var erin = await ConsentingAsync();
        using var frank = await ConsentingAsync();
        // Dave unsubscribed by the link of an earlier e-mail (as his mailbox provider posts it), Erin is being erased, Frank restricted processing.
        using (var anonymous = host.NewClient())
        using (var form = new FormUrlEncodedContent([new KeyValuePair<string, string>("List-Unsubscribe", "One-Click")]))
        {
            var url = host.Services.GetRequiredService<UnsubscribeLinks>().OneClickUrl(dave.UserId, ConsentPurposes.MarketingEmails);
            using var unsubscribed = await anonymous.PostAsync(url.PathAndQuery, form);
            Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);
        }
        await host.Services.GetRequiredService<AccountStore>().MarkErasingAsync(erin.UserId, host.Clock.GetUtcNow(), default);
        using (var restrict = await frank.SendAsync(HttpMethod.Put, "/api/me/restriction")) Assert.Equal(HttpStatusCode.OK, restrict.StatusCode);

        // The preview: a count of who would get it now, never an address.
        using (var preview = await op.GetAsync("/api/console/campaigns"))
        {
            var text = await preview.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.DoesNotContain("@", text, StringComparison.Ordinal);
            var view = JsonDocument.Parse(text).RootElement;
            Assert.Equal(2, view.GetProperty("recipients").GetInt32());
            Assert.Empty(view.GetProperty("campaigns").EnumerateArray());
        }

        var started = await OkAsync(op, HttpMethod.Post, "/api/console/campaigns", Campaign, HttpStatusCode.Accepted);
        var mailingId = started.GetProperty("mailingId").GetString()!;
        var progress = await MailingTestKit.WaitAsync(host, mailingId);
        Assert.Equal((2, 5, 0, 7), (progress.Sent, progress.Skipped, progress.Failed, progress.Total));

        var fr = Assert.Single(await Mailbox.WaitForAsync(host, alice.Email, "Cinq accroches qui marchent"));
        Assert.Contains("Voici cinq accroches", fr.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", Header(fr, "List-Unsubscribe-Post"));
        var oneClick = AngleUrl().Match(Header(fr, "List-Unsubscribe"));
        Assert.True(oneClick.Success, "List-Unsubscribe holds one <url>");
        var token = Uri.UnescapeDataString(new Uri(oneClick.Groups[1].Value).Query)[3..];
        Assert.True(host.Services.GetRequiredService<UnsubscribeLinks>().TryRead(token, out var whose, out var purpose), "the link is signed by the app");
        Assert.Equal((alice.UserId, ConsentPurposes.MarketingEmails), (whose, purpose!.Id));
        Assert.Contains("#/unsubscribe?t=", fr.GetProperty("text").GetString(), StringComparison.Ordinal);
        var en = Assert.Single(await Mailbox.WaitForAsync(host, bob.Email, "Five hooks that work"));
        Assert.Contains("Here are five hooks", en.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("List-Unsubscribe=One-Click", Header(en, "List-Unsubscribe-Post"));
        foreach (var nobody in new[] { carol, dave, erin, frank, op })
        {
            Assert.Equal(0, await Mailbox.SettledCountAsync(host, nobody.Email, "accroches", expected: 0));
        }

        var listed = Assert.Single((await OkAsync(op, HttpMethod.Get, "/api/console/campaigns")).GetProperty("campaigns").EnumerateArray());
        Assert.Equal("Cinq accroches qui marchent", listed.GetProperty("subjectFr").GetString());
        Assert.Equal("finished", listed.GetProperty("progress").GetProperty("status").GetString());
        Assert.Equal(2, listed.GetProperty("progress").GetProperty("sent").GetInt32());
        Assert.Contains(await SecurityEventsAsync(op), d => d == "console:send-campaign:" + mailingId);
    }

    [Fact]
    public async Task A_consent_withdrawn_during_the_campaign_stops_the_mail_to_that_person()
    {
        using var op = await OperatorAsync();
        var people = new List<UserClient>();
        for (var i = 0; i < 3; i++) people.Add(await ConsentingAsync());
        people.Sort((a, b) => string.CompareOrdinal(a.UserId, b.UserId)); // the mailing reads accounts in key order
        var last = people[^1];
        // The first campaign mail goes out: meanwhile the last person, whose account is on the page already read, withdraws in the app.
        var withdrawn = 0;
        Probe.BeforeSend = async m =>
        {
            if (m.Subject != "Cinq accroches qui marchent" || Interlocked.Exchange(ref withdrawn, 1) == 1) return;
            await ConsentAsync(last, false);
        };

        var started = await OkAsync(op, HttpMethod.Post, "/api/console/campaigns", Campaign, HttpStatusCode.Accepted);
        var progress = await MailingTestKit.WaitAsync(host, started.GetProperty("mailingId").GetString()!);

        Assert.Equal(1, Volatile.Read(ref withdrawn));
        Assert.Equal((2, 2), (progress.Sent, progress.Skipped)); // the operator (no consent) and the one who withdrew
        foreach (var person in people.Take(2))
        {
            Assert.Single(await Mailbox.WaitForAsync(host, person.Email, "Cinq accroches qui marchent"));
        }
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, last.Email, "Cinq accroches qui marchent", expected: 0));
        Assert.False(await host.Services.GetRequiredService<ConsentLedger>().IsGrantedAsync(last.UserId, ConsentPurposes.MarketingEmails));
        foreach (var person in people) person.Dispose();
    }

    [Fact]
    public async Task A_bad_campaign_is_a_400_problem_in_the_owners_language_and_nothing_is_stored_or_sent()
    {
        using var op = await OperatorAsync("fr");
        using var english = await OperatorAsync("en");
        using var reader = await ConsentingAsync();
        var longText = new string('é', 8001);
        foreach (var (body, field, fr, en) in new (object Body, string Field, string Fr, string En)[]
        {
            (new { textFr = "Texte", subjectEn = "Subject", textEn = "Text" }, "subjectFr", "Écrivez l'objet en français.", "Write the subject in French."),
            (new { subjectFr = "Objet", textFr = "  ", subjectEn = "Subject", textEn = "Text" }, "textFr", "Écrivez le texte en français.", "Write the text in French."),
            (new { subjectFr = "Objet", textFr = "Texte", subjectEn = new string('x', 151), textEn = "Text" }, "subjectEn", "L'objet en anglais fait au plus 150 caractères.", "The subject in English may be at most 150 characters."),
            (new { subjectFr = "Objet\r\nBcc: everyone@example.test", textFr = "Texte", subjectEn = "Subject", textEn = "Text" }, "subjectFr", "L'objet en français tient sur une ligne, sans caractère de contrôle.", "The subject in French must be one line, without control characters."),
            (new { subjectFr = "Objet", textFr = "Texte", subjectEn = "Subject", textEn = longText }, "textEn", "Le texte en anglais fait au plus 8000 caractères.", "The text in English may be at most 8000 characters."),
        })
        {
            foreach (var (who, expected, title) in new[] { (op, fr, "La campagne n'est pas valide."), (english, en, "The campaign is not valid.") })
            {
                using var bad = await who.SendAsync(HttpMethod.Post, "/api/console/campaigns", body);
                Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
                Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
                var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(title, problem.GetProperty("title").GetString());
                Assert.Equal(expected, Assert.Single(problem.GetProperty("errors").EnumerateObject()).Value[0].GetString());
                Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error on {field}: {problem}");
            }
        }
        // Not JSON at all: the same problem, in French for a French owner.
        using (var malformed = await op.SendAsync(HttpMethod.Post, "/api/console/campaigns", new StringContent("{\"subjectFr\": ", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            var problem = await malformed.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("malformed-json", problem.GetProperty("code").GetString());
            Assert.Equal("Le corps de la requête n'est pas un JSON valide, ou un champ a un mauvais type.", problem.GetProperty("detail").GetString());
        }

        Assert.Equal(0, await MailingRowsAsync());
        Assert.Empty((await OkAsync(op, HttpMethod.Get, "/api/console/campaigns")).GetProperty("campaigns").EnumerateArray());
        Assert.DoesNotContain(await SecurityEventsAsync(op), d => d?.StartsWith("console:send-campaign", StringComparison.Ordinal) == true);
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, reader.Email, "Objet", expected: 0));
    }

    [GeneratedRegex("^<([^<>]+)>$")]
    private static partial Regex AngleUrl();
}
