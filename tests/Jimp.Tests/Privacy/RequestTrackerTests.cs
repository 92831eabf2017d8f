using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

public sealed class RequestTrackerTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private RequestTracker Tracker => host.Services.GetRequiredService<RequestTracker>();

    private static DateTimeOffset Utc(int y, int m, int d, int h = 10) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(2027, 1, 31, 2027, 2, 28)] // one calendar month ends on the last day of February…
    [InlineData(2028, 1, 31, 2028, 2, 29)] // …29 February in a leap year
    [InlineData(2027, 3, 15, 2027, 4, 14)] // 30 days (the policy) come before one month (15 April)
    [InlineData(2027, 2, 1, 2027, 3, 1)] // in February one month (1 March) comes before 30 days (3 March)
    public void A_request_is_due_at_the_earlier_of_30_days_and_one_calendar_month(int y, int m, int d, int dy, int dm, int dd)
    {
        Assert.Equal(Utc(dy, dm, dd), Deadlines.DueAt(Utc(y, m, d)));
    }

    [Fact]
    public async Task My_requests_show_the_deadline_the_clock_gives_newest_first()
    {
        host.Clock.SetUtcNow(Utc(2027, 1, 31));
        using var user = await Users.SignUpAsync(host);
        using (await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = true })) { }
        host.Clock.SetUtcNow(Utc(2027, 3, 15, 9));
        // The session of January has expired (30 days): a new sign-in, as the user would.
        using var again = await Users.SignInAgainAsync(host, user);
        using (await again.SendAsync(HttpMethod.Put, "/api/me/restriction")) { }

        var items = (await again.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(["restriction", "objection"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal(Utc(2027, 3, 15, 9), items[0].GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(Utc(2027, 4, 14, 9), items[0].GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(Utc(2027, 1, 31), items[1].GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(Utc(2027, 2, 28), items[1].GetProperty("dueAt").GetDateTimeOffset());
        Assert.All(items, i =>
        {
            Assert.Equal("completed", i.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, i.GetProperty("extension").ValueKind);
            Assert.False(string.IsNullOrEmpty(i.GetProperty("id").GetString()));
        });
    }

    [Fact]
    public async Task An_extension_shows_in_my_requests_with_its_date_and_reason()
    {
        using var user = await Users.SignUpAsync(host);
        var request = await Tracker.OpenAsync(user.UserId, RequestTypes.Export, default);
        await Tracker.ExtendAsync(request, request.DueAt.AddMonths(1), "Nombreuses données à rassembler", default);

        var item = Assert.Single((await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray());
        Assert.Equal("open", item.GetProperty("status").GetString());
        Assert.Equal(request.DueAt, item.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(request.DueAt.AddMonths(1), item.GetProperty("extension").GetProperty("until").GetDateTimeOffset());
        Assert.Equal("Nombreuses données à rassembler", item.GetProperty("extension").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_extension_is_allowed_once_with_a_reason_up_to_two_months()
    {
        var request = await Tracker.OpenAsync("0123456789abcdef0123456789abcdef", RequestTypes.Erasure, default);

        await Refused(() => Tracker.ExtendAsync(request, Deadlines.MaxExtendedDueAt(request.DueAt).AddDays(1), "Trop long", default));
        await Refused(() => Tracker.ExtendAsync(request, request.DueAt.AddDays(10), "   ", default));
        await Refused(() => Tracker.ExtendAsync(request, request.DueAt, "Pas plus tard que l'échéance", default));

        var extended = await Tracker.ExtendAsync(request, Deadlines.MaxExtendedDueAt(request.DueAt), "Complexe", default);
        Assert.Equal(request.DueAt.AddMonths(2), extended.EffectiveDueAt);
        var stored = (await Tracker.FindAsync(request.UserId, request.Id, default))!;
        Assert.Equal(extended.EffectiveDueAt, stored.ExtendedUntil);
        await Refused(() => Tracker.ExtendAsync(stored, stored.EffectiveDueAt, "Encore", default));
    }

    [Fact]
    public async Task An_extension_must_be_decided_before_the_due_date()
    {
        var request = await Tracker.OpenAsync("0123456789abcdef0123456789abcdef", RequestTypes.Export, default);
        host.Clock.SetUtcNow(request.DueAt.AddMinutes(1));

        await Refused(() => Tracker.ExtendAsync(request, request.DueAt.AddMonths(1), "Trop tard", default));
        Assert.True((await Tracker.FindAsync(request.UserId, request.Id, default))!.IsOverdue(host.Clock.GetUtcNow()));
    }

    private static async Task Refused(Func<Task> extend)
    {
        var refused = await Assert.ThrowsAsync<ProblemException>(extend);
        Assert.Equal("extension-refused", refused.Code);
    }
}
