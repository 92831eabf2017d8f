using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Jimp.Functions.Accounts;
using Jimp.Functions.Operators;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Operators;

public sealed partial class ConsoleTests(ConsoleHost shared) : IClassFixture<ConsoleHost>, IAsyncLifetime
{
    private readonly JimpTestHost host = shared.ForTest();
    private readonly string operatorEmail = shared.NextOperator();
    private UserClient op = null!;

    public async Task InitializeAsync() => op = await Users.SignUpAsync(host, operatorEmail);

    public async Task DisposeAsync()
    {
        op.Dispose();
        await host.DisposeAsync();
    }

    private async Task<JsonElement> OkAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await op.SendAsync(method, path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<IReadOnlyList<(string Event, string? Detail)>> OperatorEventsAsync() =>
        (await host.Services.GetRequiredService<SecurityLog>().RecentAsync(op.UserId, 100, 1, default)).Select(e => (e.Event, e.Detail)).ToList();

    private async Task<int> RequestRowsAsync()
    {
        var table = await host.Services.GetRequiredService<JimpStorage>().TableAsync(RequestTracker.Table);
        var n = 0;
        await foreach (var _ in table.QueryAsync<Azure.Data.Tables.TableEntity>()) n++;
        return n;
    }

    [Fact]
    public async Task An_erasure_received_by_email_waits_for_the_persons_link_then_runs_and_closes_before_its_deadline()
    {
        using var person = await Users.SignUpAsync(host);
        var before = await RequestRowsAsync();
        // Bad input: field errors, nothing stored.
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { email = "not-an-address", kind = "erasure", receivedOn = "2026-11-26", confirm = "not-an-address" }, "email"),
            (new { email = person.Email, kind = "teleport", receivedOn = "2026-11-26" }, "kind"),
            (new { email = person.Email, kind = "erasure", receivedOn = "2026-12-25", confirm = person.Email }, "receivedOn"),
            (new { email = person.Email, kind = "erasure", receivedOn = "2026-11-26", confirm = "someone-else@example.test" }, "confirm"),
        })
        {
            using var bad = await op.SendAsync(HttpMethod.Post, "/api/console/email-requests", body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error on {field}: {problem}");
        }
        Assert.Equal(before, await RequestRowsAsync());

        var recorded = await OkAsync(HttpMethod.Post, "/api/console/email-requests", new { email = person.Email.ToUpperInvariant(), kind = "erasure", receivedOn = "2026-11-26", confirm = person.Email });
        Assert.Equal("awaiting-confirmation", recorded.GetProperty("outcome").GetString());
        var requestId = recorded.GetProperty("request").GetProperty("id").GetString()!;
        var received = new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(Deadlines.DueAt(received), recorded.GetProperty("request").GetProperty("dueBy").GetDateTimeOffset());
        Assert.Equal("email", recorded.GetProperty("request").GetProperty("channel").GetString());

        // Nothing happens before the person confirms: the account is still there.
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/api/me")).StatusCode);
        var mail = Assert.Single(await Mailbox.WaitForAsync(host, person.Email, "Confirmez votre demande à JIMP"));
        var token = ConfirmToken().Match(mail.GetProperty("text").GetString()!).Groups[1].Value;
        Assert.NotEmpty(token);
        // The confirmation link is not a sign-in link.
        using (var asSignIn = await Users.VerifyAsync(host, token)) Assert.Equal(HttpStatusCode.BadRequest, asSignIn.StatusCode);

        using (var confirm = await ConfirmAsync(token))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
            Assert.Equal("erasure", (await confirm.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
        using (var again = await ConfirmAsync(token)) Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        await host.WaitForOrchestrationAsync(ErasureOrchestration.InstanceIdFor(requestId));
        Assert.Equal(HttpStatusCode.Unauthorized, (await person.GetAsync("/api/me")).StatusCode);

        var log = await OkAsync(HttpMethod.Get, "/api/console/requests");
        var closed = log.GetProperty("closed").EnumerateArray().Single(r => r.GetProperty("id").GetString() == requestId);
        Assert.Equal("completed", closed.GetProperty("status").GetString());
        Assert.Equal("email", closed.GetProperty("channel").GetString());
        Assert.Equal(received, closed.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.True(closed.GetProperty("metDeadline").GetBoolean());
        Assert.Contains(await OperatorEventsAsync(), e => e.Event == SecurityEvents.OperatorAction && e.Detail == $"console:record-emailed-request:{requestId}:awaiting-confirmation");
    }

    [Fact]
    public async Task A_request_from_an_address_without_an_account_is_answered_no_data_held_and_recorded_without_the_address()
    {
        var stranger = Users.NewEmail("stranger");
        var answer = await OkAsync(HttpMethod.Post, "/api/console/email-requests", new { email = stranger, kind = "access", receivedOn = "2026-11-27", locale = "en" });
        Assert.Equal("no-data-held", answer.GetProperty("outcome").GetString());
        Assert.True(answer.GetProperty("notified").GetBoolean());
        Assert.Single(await Mailbox.WaitForAsync(host, stranger, "we hold no data about you"));

        var log = await OkAsync(HttpMethod.Get, "/api/console/requests");
        var row = log.GetProperty("closed").EnumerateArray().Single(r => r.GetProperty("id").GetString() == answer.GetProperty("request").GetProperty("id").GetString());
        Assert.Equal("No data held", row.GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("userId").ValueKind);
        var everything = string.Join("\n", await StorageScan.TablesAsync(host.Services.GetRequiredService<JimpStorage>()));
        Assert.DoesNotContain(stranger, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secrets.Hash(stranger), everything, StringComparison.Ordinal);

        // The lookup tells the operator, and only the operator, that the address has no account.
        var lookup = await OkAsync(HttpMethod.Post, "/api/console/lookup", new { email = stranger });
        Assert.False(lookup.GetProperty("found").GetBoolean());
        using var creator = await Users.SignUpAsync(host);
        using var refused = await creator.SendAsync(HttpMethod.Post, "/api/console/lookup", new { email = stranger });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_flagged_minor_is_erased_and_can_no_longer_get_a_link_sign_in_or_sign_up()
    {
        using var minor = await Users.SignUpAsync(host);
        // A link asked for before the flag.
        using (var early = await Users.RequestLinkAsync(host, Users.LinkBody(minor.Email))) Assert.Equal(HttpStatusCode.Accepted, early.StatusCode);
        var earlyToken = await Users.ReadTokenFromMailAsync(host, minor.Email, expectedMails: 2);

        using (var bad = await op.SendAsync(HttpMethod.Post, "/api/console/minors", new { email = minor.Email, confirm = "wrong@example.test" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await minor.GetAsync("/api/me")).StatusCode);

        var flagged = await OkAsync(HttpMethod.Post, "/api/console/minors", new { email = minor.Email, confirm = minor.Email });
        Assert.True(flagged.GetProperty("accountFound").GetBoolean());
        await host.WaitForOrchestrationAsync(ErasureOrchestration.InstanceIdFor(flagged.GetProperty("requestId").GetString()!));
        Assert.Equal(HttpStatusCode.Unauthorized, (await minor.GetAsync("/api/me")).StatusCode);
        // The e-mail says why (the minimum age, not "as you asked") and what is kept: a keyed hash of the address.
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, minor.Email, ErasureEmails.SubjectFr, expected: 1));
        var erased = (await Mailbox.WithSubjectAsync(host, minor.Email, ErasureEmails.SubjectFr))[0].GetProperty("text").GetString()!;
        Assert.Contains("réservé aux personnes de 16 ans ou plus", erased, StringComparison.Ordinal);
        Assert.Contains("empreinte à clé", erased, StringComparison.Ordinal);
        Assert.DoesNotContain("Comme vous l'avez demandé", erased, StringComparison.Ordinal);

        // The erasure deleted that link; a link made between the flag and the erasure is refused as blocked.
        using (var verify = await Users.VerifyAsync(host, earlyToken))
        {
            Assert.False(verify.IsSuccessStatusCode);
            Assert.Null(Users.SessionCookie(verify));
        }
        var tokens = host.Services.GetRequiredService<SignInTokens>();
        var lateToken = await tokens.CreateAsync(TokenPurpose.SignIn, minor.Email, null, "fr", "2.0.0", host.Clock.GetUtcNow().AddMinutes(15), default);
        using (var verify = await Users.VerifyAsync(host, lateToken))
        {
            Assert.Equal(HttpStatusCode.Forbidden, verify.StatusCode);
            Assert.Equal("address-blocked", (await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Null(Users.SessionCookie(verify));
        }
        var signInMails = (await Mailbox.WithSubjectAsync(host, minor.Email, "Votre lien de connexion")).Count;
        using (var link = await Users.RequestLinkAsync(host, Users.LinkBody(minor.Email.ToUpperInvariant()))) Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        Assert.Equal(signInMails, await Mailbox.SettledCountAsync(host, minor.Email, "Votre lien de connexion", signInMails));

        // Only a keyed hash is kept: neither the address nor its plain SHA-256.
        var everything = string.Join("\n", await StorageScan.TablesAsync(host.Services.GetRequiredService<JimpStorage>()));
        Assert.Contains(host.Services.GetRequiredService<MinorBlocklist>().KeyOf(minor.Email), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(minor.Email, everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Secrets.Hash(minor.Email), everything, StringComparison.Ordinal);
        Assert.Contains(await OperatorEventsAsync(), e => e.Detail == "console:flag-minor:" + flagged.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Operator_sessions_are_short_and_a_creators_session_is_not()
    {
        using var creator = await Users.SignUpAsync(host);
        // /api/me tells the web app whether to show the console link: only the operator's account says so.
        Assert.True((await op.GetJsonAsync("/api/me")).GetProperty("operator").GetBoolean());
        Assert.False((await creator.GetJsonAsync("/api/me")).GetProperty("operator").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/console/session")).StatusCode);
        host.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        using (var expired = await op.GetAsync("/api/console/session")) Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await creator.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task A_request_is_extended_once_with_a_reason_and_closed_with_an_outcome()
    {
        using var person = await Users.SignUpAsync(host);
        var tracker = host.Services.GetRequiredService<RequestTracker>();
        var request = await tracker.OpenAsync(person.UserId, RequestTypes.Rectification, default);
        using (var noReason = await op.SendAsync(HttpMethod.Post, $"/api/console/requests/{person.UserId}/{request.Id}/extend", new { until = request.DueAt.AddMonths(1) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        }
        await OkAsync(HttpMethod.Post, $"/api/console/requests/{person.UserId}/{request.Id}/extend", new { until = request.DueAt.AddMonths(1), reason = "Vérification longue" });
        Assert.Single(await Mailbox.WaitForAsync(host, person.Email, "nécessite plus de temps"));
        using (var noOutcome = await op.SendAsync(HttpMethod.Post, $"/api/console/requests/{person.UserId}/{request.Id}/close", new { outcome = "" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noOutcome.StatusCode);
        }
        var closed = await OkAsync(HttpMethod.Post, $"/api/console/requests/{person.UserId}/{request.Id}/close", new { outcome = "Niche corrigée" });
        Assert.Equal("completed", closed.GetProperty("status").GetString());
        Assert.True(closed.GetProperty("metDeadline").GetBoolean());
        Assert.Equal("Niche corrigée", (await tracker.FindAsync(person.UserId, request.Id, default))!.Outcome);
    }

    [Fact]
    public async Task The_requests_log_costs_the_same_however_many_requests_were_answered_in_earlier_months()
    {
        using var person = await Users.SignUpAsync(host);
        var tracker = host.Services.GetRequiredService<RequestTracker>();
        async Task<(JsonElement Log, long Queries)> ViewAsync()
        {
            var before = host.Counter.Snapshot();
            var log = await OkAsync(HttpMethod.Get, "/api/console/requests");
            return (log, host.Counter.Snapshot().Since(before)["table:query"]);
        }

        var pending = await tracker.OpenAsync(person.UserId, RequestTypes.Rectification, default);
        var (_, fresh) = await ViewAsync();

        // 1,050 answered requests (more than one 1,000-row page), then four months pass: they leave the console's
        // three months, and the view must not read them (nor the requests or tombstones tables) to know it.
        const int history = 1050;
        await Parallel.ForEachAsync(Enumerable.Range(0, history), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await tracker.RecordCompletedAsync(RequestTracker.NoAccountPartition, RequestTypes.Objection, ct));
        host.Clock.Advance(TimeSpan.FromDays(4 * 31));
        var again = await Users.SignInAgainAsync(host, op); // the 8-hour operator session is long gone
        op.Dispose();
        op = again;
        var (log, later) = await ViewAsync();

        Assert.Equal(fresh, later);
        Assert.Equal(1 + ConsoleRequests.ClosedMonthsShown, later); // the pending partition and one per month
        var row = Assert.Single(log.GetProperty("pending").EnumerateArray());
        Assert.Equal(pending.Id, row.GetProperty("id").GetString());
        Assert.True(row.GetProperty("overdue").GetBoolean());
        Assert.Empty(log.GetProperty("closed").EnumerateArray());

        // The evidence pack still holds every answered request.
        var (_, all) = await tracker.ReadLogAsync(null, default);
        Assert.Equal(history, all.Count);
        Assert.All(all, r => Assert.Equal(RequestTracker.NoAccountPartition, r.UserId));
    }

    [Fact]
    public async Task An_objection_received_by_email_once_confirmed_deletes_the_persons_questions_from_the_insights_index()
    {
        using var person = await Users.SignUpAsync(host);
        var index = host.Services.GetRequiredService<Jimp.Functions.Insights.QuestionIndex>();
        var profile = new Jimp.Functions.Coaching.CoachProfile { Niches = ["home"], Goals = [], Experience = "beginner", Language = "fr" };
        for (var i = 0; i < 3; i++)
        {
            var message = new Jimp.Functions.Coaching.StoredMessage((1_000_000_000_000_000_000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Jimp.Functions.Coaching.ChatTurn.User, "c'est quoi un bon hook", host.Clock.GetUtcNow(), Jimp.Functions.Coaching.MessageStatus.Ok, null, 0, 0);
            await index.QuestionAskedAsync(person.UserId, "c" + new string('0', 24), message, profile, default);
        }
        async Task<int> IndexedAsync()
        {
            var table = await host.Storage.TableAsync(Jimp.Functions.Insights.QuestionIndex.Table);
            var n = 0;
            await foreach (var e in table.QueryAsync<Azure.Data.Tables.TableEntity>(select: ["RowKey"])) if (e.RowKey.StartsWith(person.UserId + "-", StringComparison.Ordinal)) n++;
            return n;
        }
        Assert.Equal(3, await IndexedAsync());

        await OkAsync(HttpMethod.Post, "/api/console/email-requests", new { email = person.Email, kind = "objection", receivedOn = "2026-11-26", confirm = person.Email });
        var mail = Assert.Single(await Mailbox.WaitForAsync(host, person.Email, "Confirmez votre demande à JIMP"));
        Assert.Equal(3, await IndexedAsync()); // nothing before the person confirms
        using (var confirm = await ConfirmAsync(ConfirmToken().Match(mail.GetProperty("text").GetString()!).Groups[1].Value))
        {
            Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
            Assert.Equal("objection", (await confirm.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }
        Assert.Equal(0, await IndexedAsync());
        Assert.True((await host.Services.GetRequiredService<AccountStore>().GetAsync(person.UserId, default))!.ObjectsToInsights);
    }

    private async Task<HttpResponseMessage> ConfirmAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/requests/confirm") { Content = JsonContent.Create(new { token }) };
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        return await host.Client.SendAsync(request);
    }

    [GeneratedRegex(@"confirm-request\?token=([0-9]{10}[A-Za-z0-9_\-]{43})")]
    private static partial Regex ConfirmToken();
}
