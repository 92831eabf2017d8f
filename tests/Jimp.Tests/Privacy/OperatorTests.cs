using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

public sealed class OperatorTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private RequestTracker Tracker => host.Services.GetRequiredService<RequestTracker>();

    private Task<HttpResponseMessage> OperatorAsync(HttpMethod method, string path, object? body = null) => host.OperatorAsync(method, path, body);

    private async Task<List<(string Event, string? Detail)>> SecurityEventsAsync(string? userId) =>
        (await host.Services.GetRequiredService<SecurityLog>().RecentAsync(userId ?? SecurityLog.Anonymous, 50, 1, default))
        .Select(e => (e.Event, e.Detail)).ToList();

    [Fact]
    public async Task Open_requests_are_listed_by_due_date_and_the_clock_decides_what_is_overdue()
    {
        var first = await Tracker.OpenAsync("0123456789abcdef0123456789abcde1", RequestTypes.Export, default);
        host.Clock.Advance(TimeSpan.FromDays(10));
        var second = await Tracker.OpenAsync("0123456789abcdef0123456789abcde2", RequestTypes.Erasure, default);
        await Tracker.RecordCompletedAsync("0123456789abcdef0123456789abcde2", RequestTypes.Objection, default);

        var items = await OpenAsync();
        Assert.Equal([first.Id, second.Id], items.Select(i => i.GetProperty("id").GetString()));
        Assert.All(items, i => Assert.False(i.GetProperty("overdue").GetBoolean()));
        Assert.Equal("0123456789abcdef0123456789abcde1", items[0].GetProperty("userId").GetString());

        host.Clock.SetUtcNow(first.DueAt.AddMinutes(1));
        items = await OpenAsync();
        Assert.True(items[0].GetProperty("overdue").GetBoolean());
        Assert.False(items[1].GetProperty("overdue").GetBoolean());
        Assert.Contains((SecurityEvents.OperatorAction, "list-open-requests"), await SecurityEventsAsync(null));
    }

    private async Task<List<JsonElement>> OpenAsync()
    {
        using var response = await OperatorAsync(HttpMethod.Get, "/api/operator/requests");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
    }

    [Fact]
    public async Task Extending_a_request_emails_the_user_the_reason_and_the_new_date_in_their_language()
    {
        using var user = await Users.SignUpAsync(host);
        var request = await Tracker.OpenAsync(user.UserId, RequestTypes.Export, default);
        var until = request.DueAt.AddMonths(1);

        using (var extend = await OperatorAsync(HttpMethod.Post, $"/api/operator/requests/{user.UserId}/{request.Id}/extend", new { until, reason = "Beaucoup de données à rassembler" }))
        {
            Assert.Equal(HttpStatusCode.OK, extend.StatusCode);
            var body = await extend.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(body.GetProperty("notified").GetBoolean());
            Assert.Equal(until, body.GetProperty("request").GetProperty("extension").GetProperty("until").GetDateTimeOffset());
        }

        var mail = Assert.Single(await Mailbox.WaitForAsync(host, user.Email, "Votre demande à JIMP nécessite plus de temps"));
        var text = mail.GetProperty("text").GetString()!;
        Assert.Contains("Beaucoup de données à rassembler", text, StringComparison.Ordinal);
        Assert.Contains(RightsEmails.Date(until, "fr"), text, StringComparison.Ordinal);
        Assert.Contains("janvier 2027", RightsEmails.Date(until, "fr"), StringComparison.Ordinal);
        Assert.Equal(until, (await Tracker.FindAsync(user.UserId, request.Id, default))!.ExtendedUntil);
        Assert.Contains((SecurityEvents.OperatorAction, "extend-request"), await SecurityEventsAsync(user.UserId));

        using var again = await OperatorAsync(HttpMethod.Post, $"/api/operator/requests/{user.UserId}/{request.Id}/extend", new { until, reason = "Encore" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("extension-refused", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_extension_without_a_reason_is_400_and_changes_nothing()
    {
        using var user = await Users.SignUpAsync(host, locale: "en");
        var request = await Tracker.OpenAsync(user.UserId, RequestTypes.Export, default);

        using (var noReason = await OperatorAsync(HttpMethod.Post, $"/api/operator/requests/{user.UserId}/{request.Id}/extend", new { until = request.DueAt.AddMonths(1) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
            Assert.True((await noReason.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("reason", out _));
        }
        using (var unknown = await OperatorAsync(HttpMethod.Post, $"/api/operator/requests/{user.UserId}/nope/extend", new { until = request.DueAt.AddMonths(1), reason = "x" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        Assert.Null((await Tracker.FindAsync(user.UserId, request.Id, default))!.ExtendedUntil);
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, user.Email, "Your JIMP request needs more time", expected: 0));
    }

    [Fact]
    public async Task Flagging_a_minor_records_the_flag_and_an_erasure_request_signs_them_out_and_answers_202()
    {
        using var user = await Users.SignUpAsync(host);

        using (var flag = await OperatorAsync(HttpMethod.Post, $"/api/operator/accounts/{user.UserId}/minor"))
        {
            Assert.Equal(HttpStatusCode.Accepted, flag.StatusCode);
            var body = await flag.Content.ReadFromJsonAsync<JsonElement>();
            var requestId = body.GetProperty("requestId").GetString()!;
            Assert.Equal(ErasureOrchestration.InstanceIdFor(requestId), body.GetProperty("instanceId").GetString());
            var request = (await Tracker.FindAsync(user.UserId, requestId, default))!;
            Assert.Equal(RequestTypes.Erasure, request.Type);
        }

        Assert.True((await host.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default))!.IsMinorFlagged);
        using (var me = await user.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Contains((SecurityEvents.OperatorAction, "flag-minor"), await SecurityEventsAsync(user.UserId));
    }

    [Fact]
    public async Task Flagging_an_unknown_account_is_404_and_operator_functions_refuse_callers_without_the_key()
    {
        using (var unknown = await OperatorAsync(HttpMethod.Post, $"/api/operator/accounts/{AuthorizationMatrix.UnknownUserId}/minor"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
        using var user = await Users.SignUpAsync(host);
        using var asUser = await user.SendAsync(HttpMethod.Post, $"/api/operator/accounts/{user.UserId}/minor");
        Assert.Equal(HttpStatusCode.Unauthorized, asUser.StatusCode);
        Assert.False((await host.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default))!.IsMinorFlagged);
    }
}
