using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Accounts;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

public sealed class ObjectionTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task<Account> AccountAsync(UserClient user) =>
        (await host.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default))!;

    [Fact]
    public async Task One_toggle_removes_the_user_from_insights_and_records_the_objection()
    {
        using var user = await Users.SignUpAsync(host);
        Assert.False(RightsService.ExcludedFromInsights(await AccountAsync(user)));

        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = true }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.True((await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("objectsToInsights").GetBoolean());
        }

        Assert.True((await user.GetJsonAsync("/api/me")).GetProperty("objectsToInsights").GetBoolean());
        Assert.True(RightsService.ExcludedFromInsights(await AccountAsync(user)));
        var request = Assert.Single((await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray());
        Assert.Equal("objection", request.GetProperty("type").GetString());
        Assert.Equal("completed", request.GetProperty("status").GetString());

        using (var back = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = false }))
        {
            Assert.False((await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("objectsToInsights").GetBoolean());
        }
        Assert.False(RightsService.ExcludedFromInsights(await AccountAsync(user)));
        Assert.False((await user.GetJsonAsync("/api/me")).GetProperty("objectsToInsights").GetBoolean());
    }

    [Fact]
    public async Task A_bad_objection_body_is_400_with_field_errors_and_changes_nothing()
    {
        using var user = await Users.SignUpAsync(host);
        using (var missing = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.True((await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("insights", out _));
        }
        using (var wrongType = await user.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = "please" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        }
        Assert.False((await AccountAsync(user)).ObjectsToInsights);
        Assert.Empty((await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void Objectors_restricted_users_and_flagged_minors_are_excluded_from_insights()
    {
        var at = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
        var account = new Account("0123456789abcdef0123456789abcdef", "a@example.test", "fr", at, at, "2.0.0", at, at, Restricted: false, ObjectsToInsights: false, IsMinorFlagged: false);

        Assert.False(RightsService.ExcludedFromInsights(account));
        Assert.True(RightsService.ExcludedFromInsights(account with { ObjectsToInsights = true }));
        Assert.True(RightsService.ExcludedFromInsights(account with { Restricted = true }));
        Assert.True(RightsService.ExcludedFromInsights(account with { IsMinorFlagged = true }));
    }
}
