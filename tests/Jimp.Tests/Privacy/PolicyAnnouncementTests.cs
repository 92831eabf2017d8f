using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Privacy;
using Jimp.Tests.Mailings;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

/// <summary>A shared host with made-up policy versions (see <see cref="PolicyAnnouncementTests"/>) and a probe e-mail sender.</summary>
public sealed class PolicyAnnouncementHost : SharedHost
{
    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services = s =>
        {
            s.AddSingleton(PolicyAnnouncementTests.Policies());
            ProbeEmailSender.Register(s);
        };
        Mailings.MailingTestKit.FastMailings(options);
    }
}

public sealed class PolicyAnnouncementTests(PolicyAnnouncementHost shared) : IClassFixture<PolicyAnnouncementHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    // The test clock starts on 28 November 2026: 3.0.0 is 48 days away, 2.1.0 only 22.
    internal static PolicyDocuments Policies() => new(
    [
        Doc("2.0.0", "2026-11-01", "2026-11-28", "fr"), Doc("2.0.0", "2026-11-01", "2026-11-28", "en"),
        Doc("2.1.0", "2026-11-28", "2026-12-20", "fr"), Doc("2.1.0", "2026-11-28", "2026-12-20", "en"),
        Doc("3.0.0", "2026-11-28", "2027-01-15", "fr"), Doc("3.0.0", "2026-11-28", "2027-01-15", "en"),
    ]);

    private static PolicyDocument Doc(string version, string date, string effective, string language) =>
        PolicyDocuments.Parse($"---\nversion: {version}\ndate: {date}\neffective: {effective}\nmaterial: true\nlanguage: {language}\n---\nPolicy {version}");

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private PolicyAnnouncements Announcements => host.Services.GetRequiredService<PolicyAnnouncements>();

    private PolicyVersion Version(string v) => host.Services.GetRequiredService<PolicyDocuments>().Versions.Single(x => x.Version == v);

    private DurableTaskClient Durable => host.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>Starts the announcement and waits for its mailing to finish.</summary>
    private async Task<MailingProgress> AnnounceAndWaitAsync(string version)
    {
        var started = await Announcements.AnnounceAsync(Version(version), Durable, default);
        return await MailingTestKit.WaitAsync(host, started.MailingId);
    }

    [Fact]
    public async Task A_material_change_is_emailed_once_to_every_account_in_its_language_and_a_second_announcement_sends_nothing()
    {
        using var alice = await Users.SignUpAsync(host, locale: "fr");
        using var bob = await Users.SignUpAsync(host, locale: "en");
        using var chloe = await Users.SignUpAsync(host, locale: "fr");

        using var response = await OperatorAsync("/api/operator/policy/3.0.0/announce");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        var mailingId = started.GetProperty("mailingId").GetString()!;
        Assert.False(started.GetProperty("alreadyStarted").GetBoolean());
        Assert.Equal("/api/console/mailings/" + mailingId, started.GetProperty("progressUrl").GetString());
        Assert.Equal("/api/console/mailings/" + mailingId, response.Headers.Location?.OriginalString);
        var progress = await MailingTestKit.WaitAsync(host, mailingId);

        Assert.Equal((3, 0, 0, 3), (progress.Sent, progress.Skipped, progress.Failed, progress.Total));
        foreach (var fr in new[] { alice, chloe })
        {
            var mail = Assert.Single(await Mailbox.WaitForAsync(host, fr.Email, "La politique de confidentialité de JIMP change le 15 janvier 2027"));
            Assert.Contains("Rien n'est accepté du simple fait de continuer", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Contains("version=3.0.0", mail.GetProperty("text").GetString(), StringComparison.Ordinal);
        }
        Assert.Single(await Mailbox.WaitForAsync(host, bob.Email, "JIMP's privacy policy changes on 15 January 2027"));

        var again = await Announcements.AnnounceAsync(Version("3.0.0"), Durable, default);
        Assert.True(again.AlreadyStarted);
        Assert.Equal(mailingId, again.MailingId);
        using (var viaOperator = await OperatorAsync("/api/operator/policy/3.0.0/announce"))
        {
            Assert.Equal(HttpStatusCode.Accepted, viaOperator.StatusCode);
            var body = await viaOperator.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("alreadyStarted").GetBoolean());
            Assert.Equal("finished", body.GetProperty("progress").GetProperty("status").GetString());
        }
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, alice.Email, "La politique de confidentialité de JIMP change", expected: 1));
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, bob.Email, "JIMP's privacy policy changes", expected: 1));
    }

    [Fact]
    public async Task A_mail_server_failure_mid_announcement_is_retried_from_the_saved_place_without_mailing_anyone_twice()
    {
        var users = new List<UserClient>();
        for (var i = 0; i < 3; i++) users.Add(await Users.SignUpAsync(host));
        users.Sort((a, b) => string.CompareOrdinal(a.UserId, b.UserId)); // the users table is read in key order
        var mail = host.Services.GetRequiredService<ProbeEmailSender>();
        var failures = 0;
        mail.FailFor.Add(users[1].Email);
        mail.BeforeSend = m =>
        {
            if (mail.FailFor.Contains(m.To)) Interlocked.Increment(ref failures);
            return Task.CompletedTask;
        };

        var started = await Announcements.AnnounceAsync(Version("3.0.0"), Durable, default);
        Assert.True(await Eventually.ReadAsync(() => Task.FromResult(Volatile.Read(ref failures)), f => f > 0) > 0, "the second send never failed");
        // The server is back: the retried batch finds users[0]'s mark and does not mail it again.
        mail.FailFor.Clear();
        mail.BeforeSend = null;
        var progress = await MailingTestKit.WaitAsync(host, started.MailingId);

        Assert.Equal(3, progress.Sent);
        foreach (var user in users)
        {
            Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "La politique de confidentialité de JIMP change", expected: 1));
            user.Dispose();
        }
    }

    [Fact]
    public async Task A_change_less_than_30_days_away_is_refused_with_a_field_error_on_its_date_and_nobody_is_mailed()
    {
        using var user = await Users.SignUpAsync(host);

        var refused = await Assert.ThrowsAsync<RequestValidationException>(() => Announcements.AnnounceAsync(Version("2.1.0"), Durable, default));
        Assert.Equal("notice-period", refused.Code);
        Assert.Contains("28 décembre 2026", Assert.Single(refused.Errors["effective"]), StringComparison.Ordinal); // the earliest date that would do, in French
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/operator/policy/2.1.0/announce"))
        {
            request.Headers.Add("x-functions-key", JimpTestHost.FunctionKey);
            request.Headers.AcceptLanguage.ParseAdd("en-GB");
            using var viaOperator = await host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, viaOperator.StatusCode);
            var problem = await viaOperator.Content.ReadFromJsonAsync<JsonElement>();
            var message = problem.GetProperty("errors").GetProperty("effective")[0].GetString();
            Assert.Contains("Move its effective date to 28 December 2026 or later", message, StringComparison.Ordinal);
        }
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, user.Email, "politique de confidentialité", expected: 0));
    }

    [Fact]
    public async Task Exactly_30_days_ahead_is_allowed_and_me_shows_the_upcoming_version()
    {
        using var user = await Users.SignUpAsync(host);
        // 2.1.0 is published but can never be announced in time: it is not "upcoming", and never comes into force.
        Assert.Equal(JsonValueKind.Null, (await user.GetJsonAsync("/api/me")).GetProperty("upcomingPolicy").ValueKind);
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 16, 9, 0, 0, TimeSpan.Zero)); // 3.0.0 takes effect 30 days later

        var result = await AnnounceAndWaitAsync("3.0.0");

        Assert.Equal(1, result.Sent);
        var upcoming = (await user.GetJsonAsync("/api/me")).GetProperty("upcomingPolicy");
        Assert.Equal("3.0.0", upcoming.GetProperty("version").GetString());
        Assert.Equal("2027-01-15", upcoming.GetProperty("effective").GetString());
    }

    [Fact]
    public async Task A_material_version_comes_into_force_30_days_after_its_announcement_and_an_unannounced_one_never_does()
    {
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 16, 9, 0, 0, TimeSpan.Zero));
        await AnnounceAndWaitAsync("3.0.0");
        host.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 21, 9, 0, 0, TimeSpan.Zero)); // past 2.1.0's date: it was never announced
        Assert.Equal("2.0.0", (await host.Client.GetFromJsonAsync<JsonElement>("/api/policy")).GetProperty("current").GetString());
        using var user = await Users.SignUpAsync(host); // signs up accepting 2.0.0 (a session lasts 30 days)

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 14, 23, 0, 0, TimeSpan.Zero));
        var before = await user.GetJsonAsync("/api/me");
        Assert.Equal("2.0.0", before.GetProperty("currentPolicyVersion").GetString());
        Assert.False(before.GetProperty("newerPolicyAwaits").GetBoolean());

        host.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 15, 0, 30, 0, TimeSpan.Zero));
        Assert.Equal("3.0.0", (await host.Client.GetFromJsonAsync<JsonElement>("/api/policy")).GetProperty("current").GetString());
        var after = await user.GetJsonAsync("/api/me");
        Assert.Equal("3.0.0", after.GetProperty("currentPolicyVersion").GetString());
        Assert.True(after.GetProperty("newerPolicyAwaits").GetBoolean());
    }

    /// <summary>Writes a completed announcement, as if it had been mailed on <paramref name="completedAt"/>.</summary>
    internal static async Task MarkAnnouncedAsync(JimpTestHost host, string version, DateTimeOffset completedAt)
    {
        var table = await host.Services.GetRequiredService<Jimp.Functions.Platform.Storage.JimpStorage>().TableAsync(PolicyAnnouncements.Table);
        await table.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(PolicyAnnouncements.Partition, version) { ["StartedAt"] = completedAt, ["CompletedAt"] = completedAt, ["Sent"] = 0 });
        host.Services.GetRequiredService<PolicyCalendar>().Forget();
    }

    [Fact]
    public async Task Announcing_an_unknown_version_is_404()
    {
        using var response = await OperatorAsync("/api/operator/policy/9.9.9/announce");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private Task<HttpResponseMessage> OperatorAsync(string path) => host.OperatorAsync(HttpMethod.Post, path);
}
