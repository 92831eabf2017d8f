using System.Net;
using System.Text.RegularExpressions;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

/// <summary>
/// The function app serves the built web app itself (Platform/Web/WebApp.cs), on the API's origin: the files of
/// web/dist (./test.sh builds it before these tests) with the security headers, hashed assets cached for good,
/// index.html revalidated, and nothing of the API answered by it.
/// </summary>
public sealed partial class WebAppTests(ProbeHost shared) : IClassFixture<ProbeHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task The_root_is_the_web_app_with_its_headers_revalidated_on_each_load()
    {
        using var response = await host.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(File.ReadAllText(Path.Combine(TestAzurite.RepositoryRoot, "web", "dist", "index.html")), await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache, "index.html is revalidated, so a deployment shows at the next load");
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
            response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);

        using var again = new HttpRequestMessage(HttpMethod.Get, "/index.html");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await host.Client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Hashed_assets_are_cached_for_a_year_with_their_content_type()
    {
        var index = File.ReadAllText(Path.Combine(TestAzurite.RepositoryRoot, "web", "dist", "index.html"));
        var script = AssetScript().Match(index);
        Assert.True(script.Success, "index.html loads a hashed script from /assets/");
        using var response = await host.Client.GetAsync(script.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/api/no-such-route", "no-route")]
    [InlineData("/api", "no-route")]
    [InlineData("/assets/missing-0000.js", "not-found")]
    [InlineData("/%2e%2e/%2e%2e/host.json", "not-found")]
    [InlineData("/..%2f..%2fhost.json", "not-found")]
    public async Task The_api_and_missing_files_are_problems_never_the_app(string path, string code)
    {
        using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"code\":\"{code}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_path_typed_by_hand_opens_the_app_and_the_api_keeps_its_routes()
    {
        using var page = await host.Client.GetAsync("/privacy");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<div id=\"app\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var api = await host.Client.GetAsync("/api/policy");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);
        Assert.Equal("DENY", api.Headers.GetValues("X-Frame-Options").Single());
    }

    [GeneratedRegex("src=\"(/assets/[^\"]+\\.js)\"")]
    private static partial Regex AssetScript();
}
