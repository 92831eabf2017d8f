using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Trends;
using Jimp.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Jimp.Tests.Trends;

public sealed class TrendApiTests(SharedHost shared) : IClassFixture<SharedHost>
{
    private static readonly TrendsOptions Options = Configured();

    private static TrendsOptions Configured()
    {
        var options = new TrendsOptions { BaseUrl = new Uri("http://127.0.0.1:9/") };
        options.ApplyDefaults();
        return options;
    }

    private static QueryCollection Query(params (string Key, string Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => new StringValues(v.Value)));

    [Fact]
    public async Task Trends_need_a_signed_in_user()
    {
        await using var host = shared.ForTest();
        using var response = await host.Client.GetAsync("/api/trends?country=FR");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_signed_in_bad_query_is_a_400_problem_over_http_naming_each_field()
    {
        await using var host = shared.ForTest();
        using var user = await Users.SignUpAsync(host);
        using var response = await user.GetAsync("/api/trends?country=XX&niche=astrology&user_id=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Problems.ContentType, response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["country", "niche", "user_id"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_valid_query_is_read_with_the_first_configured_period()
    {
        var query = TrendQueryParser.Parse(Query(("country", "FR"), ("niche", "beauty"), ("kind", "hashtags")), Options);
        Assert.Equal(new TrendQuery("FR", "beauty", "hashtags", 7), query);
        Assert.Equal(new TrendQuery("FR", null, null, 7), TrendQueryParser.Parse(Query(("country", "FR")), Options));
    }

    [Theory]
    [InlineData("", "beauty", "hashtags", "country")]
    [InlineData("US", "beauty", "hashtags", "country")]
    [InlineData("fr", "beauty", "hashtags", "country")]
    [InlineData("FR", "astrology", "hashtags", "niche")]
    [InlineData("FR", "beauty", "videos", "kind")]
    [InlineData("FR", "beauty", "HASHTAGS", "kind")]
    public void A_bad_query_is_a_400_problem_naming_the_field(string country, string niche, string kind, string field)
    {
        var error = Assert.Throws<RequestValidationException>(() =>
            TrendQueryParser.Parse(Query(("country", country), ("niche", niche), ("kind", kind)), Options));
        Assert.Equal([field], error.Errors.Keys);

        var problem = Problems.ToProblem(error, new DefaultHttpContext());
        Assert.Equal(400, problem.Status);
        var json = JsonSerializer.Serialize<object>(problem, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Contains($"\"{field}\":[", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once_and_unknown_parameters_too()
    {
        var error = Assert.Throws<RequestValidationException>(() =>
            TrendQueryParser.Parse(Query(("country", "XX"), ("niche", "nope"), ("kind", "nope"), ("period", "9"), ("user_id", "1")), Options));
        Assert.Equal(["country", "kind", "niche", "period", "user_id"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Not_configured_answers_configured_false_and_no_items()
    {
        await using var host = shared.ForTest();
        var trends = host.Services.GetRequiredService<TrendService>();
        var items = await trends.GetAsync(new TrendQuery("FR", "beauty", null, 7), default);

        Assert.Empty(items);
        var body = JsonSerializer.Serialize(new TrendsResponse(false, items), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        Assert.Equal("""{"configured":false,"items":[]}""", body);
    }

    [Fact]
    public async Task A_niche_reads_its_industry_lists_its_shop_category_and_the_country_songs()
    {
        await using var fake = await FakeCreativeCenter.StartAsync();
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Trends:BaseUrl"] = fake.BaseUrl.AbsoluteUri;
            o.Settings["Trends:MaxItemsPerIndustry"] = "5";
        });
        var trends = host.Services.GetRequiredService<TrendService>();
        await trends.RefreshAsync(default);

        var beauty = await trends.GetAsync(new TrendQuery("FR", "beauty", null, 7), default);
        Assert.Equal(5, beauty.Count(e => e.Kind == TrendKinds.Hashtags));
        Assert.All(beauty.Where(e => e.Kind is TrendKinds.Hashtags or TrendKinds.Keywords), e => Assert.Contains("i14", e.Name, StringComparison.Ordinal));
        Assert.Equal(13, beauty.Count(e => e.Kind == TrendKinds.Products)); // odd ranks of 25 are Beauty & Personal Care
        Assert.All(beauty.Where(e => e.Kind == TrendKinds.Products), e => Assert.Equal("Beauty & Personal Care", e.Category));
        Assert.Equal(29, beauty.Count(e => e.Kind == TrendKinds.Songs));

        var first = beauty.First(e => e.Kind == TrendKinds.Hashtags);
        Assert.Equal(("FR", 7, new DateOnly(2026, 11, 28), host.Clock.GetUtcNow(), "TikTok Creative Center", "posts"),
            (first.Country, first.PeriodDays, first.Date, first.FetchedAt, first.Source, first.MetricName));

        // The function's answer: the same items, camelCase, with the source on each.
        var json = JsonSerializer.Serialize(new TrendsResponse(true, beauty.Take(1).ToList()), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        using var document = JsonDocument.Parse(json);
        var item = document.RootElement.GetProperty("items")[0];
        foreach (var name in new[] { "rank", "name", "metric", "kind", "country", "periodDays", "date", "fetchedAt", "source" })
        {
            Assert.True(item.TryGetProperty(name, out _), $"no {name} in {json}");
        }
    }

    [Fact]
    public async Task TopFor_mixes_kinds_by_rank_for_the_creator_niches_and_stays_within_max()
    {
        await using var fake = await FakeCreativeCenter.StartAsync();
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Trends:BaseUrl"] = fake.BaseUrl.AbsoluteUri;
            o.Settings["Trends:MaxItemsPerIndustry"] = "5";
        });
        var trends = host.Services.GetRequiredService<TrendService>();
        await trends.RefreshAsync(default);

        var top = await trends.TopForAsync("FR", ["beauty", "unknown-niche"], 8, default);
        Assert.Equal(8, top.Count);
        Assert.Equal([TrendKinds.Hashtags, TrendKinds.Songs, TrendKinds.Products, TrendKinds.Keywords], top.Take(4).Select(t => t.Kind));
        Assert.All(top.Take(4), t => Assert.Equal(1, t.Rank));
        Assert.Empty(await trends.TopForAsync("US", ["beauty"], 8, default));
        Assert.Empty(await trends.TopForAsync("FR", ["beauty"], 0, default));
    }
}
