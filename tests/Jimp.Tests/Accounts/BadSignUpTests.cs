using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Accounts;

public sealed class BadSignUpTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "under-age", """{"email":"a@example.test","locale":"fr","ageConfirmed":false,"acceptedPolicyVersion":"2.0.0","acceptedTermsVersion":"1.0.0"}""", "ageConfirmed" },
        { "no age confirmation", """{"email":"a@example.test","locale":"fr","acceptedPolicyVersion":"2.0.0","acceptedTermsVersion":"1.0.0"}""", "ageConfirmed" },
        { "no policy version", """{"email":"a@example.test","locale":"fr","ageConfirmed":true,"acceptedTermsVersion":"1.0.0"}""", "acceptedPolicyVersion" },
        { "no terms version", """{"email":"a@example.test","locale":"fr","ageConfirmed":true,"acceptedPolicyVersion":"2.0.0"}""", "acceptedTermsVersion" },
        { "outdated terms version", """{"email":"a@example.test","locale":"fr","ageConfirmed":true,"acceptedPolicyVersion":"2.0.0","acceptedTermsVersion":"0.9.0"}""", "acceptedTermsVersion" },
        { "outdated policy version", """{"email":"a@example.test","locale":"fr","ageConfirmed":true,"acceptedPolicyVersion":"1.0.0","acceptedTermsVersion":"1.0.0"}""", "acceptedPolicyVersion" },
        { "invalid e-mail", """{"email":"not-an-address","locale":"fr","ageConfirmed":true,"acceptedPolicyVersion":"2.0.0","acceptedTermsVersion":"1.0.0"}""", "email" },
        { "missing e-mail", """{"locale":"fr","ageConfirmed":true,"acceptedPolicyVersion":"2.0.0","acceptedTermsVersion":"1.0.0"}""", "email" },
        { "unknown locale", """{"email":"a@example.test","locale":"de","ageConfirmed":true,"acceptedPolicyVersion":"2.0.0","acceptedTermsVersion":"1.0.0"}""", "locale" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_bad_sign_up_is_a_400_naming_the_field_and_stores_nothing(string why, string json, string field)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/link") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        using var response = await host.Client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, why);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{why}: no error for {field}");
        Assert.Empty(await host.ScanTablesAsync());
    }

    [Theory]
    [InlineData("{\"email\": ")]
    [InlineData("[1,2,3]")]
    [InlineData("null")]
    public async Task A_malformed_body_is_a_400_and_stores_nothing(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/link") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await host.ScanTablesAsync());
    }

    [Fact]
    public async Task An_oversized_body_is_refused_and_stores_nothing()
    {
        var json = JsonSerializer.Serialize(new { email = new string('a', 30_000) + "@example.test", locale = "fr", ageConfirmed = true, acceptedPolicyVersion = "2.0.0", acceptedTermsVersion = "1.0.0" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/link") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await host.ScanTablesAsync());
    }

    [Fact]
    public async Task A_cross_origin_sign_up_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/link") { Content = JsonContent.Create(Users.LinkBody(Users.NewEmail())) };
        request.Headers.Add("Origin", "https://evil.example");
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("cross-origin", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
