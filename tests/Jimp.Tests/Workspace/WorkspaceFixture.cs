using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Workspace;

/// <summary>Workspace data made through the API, as a creator would.</summary>
public static class WorkspaceFixture
{
    public static readonly object FrenchProfile = new { niches = new[] { "home" }, goals = new[] { "first-sale" }, experience = "beginner", learningStyle = "examples", country = "FR", language = "fr" };

    public static async Task<string> AddProductAsync(UserClient user, string name = "Brosse anti-poils", decimal price = 19.90m, decimal commission = 12m, string status = "promoting")
    {
        using var response = await user.SendAsync(HttpMethod.Post, "/api/me/products", new { name, niche = "home", priceEur = price, commissionPercent = commission, shopUrl = "https://shop.tiktok.com/view/product/1729", status });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>
    /// <paramref name="count"/> videos of JIMP's template, one a day back from <paramref name="lastDay"/> (over 700 days, then again), over
    /// three hook styles with clearly different results: question hooks keep viewers least, result-first best.
    /// </summary>
    public static string ThirtyVideos(string product, DateOnly lastDay, int count = 30)
    {
        var sb = new StringBuilder(string.Join(',', Jimp.Functions.Workspace.VideoCsv.TemplateColumns)).Append('\n');
        string[] styles = ["question", "result-first", "problem"];
        for (var i = 0; i < count; i++)
        {
            var style = styles[i % 3];
            var (watch, clicks, orders) = style switch { "question" => (4.0, 8, 0), "result-first" => (11.0, 45, 3), _ => (8.0, 25, 2) };
            var views = 2_000 + (i * 137 % 900);
            sb.Append(CultureInfo.InvariantCulture,
                $"{lastDay.AddDays(-(i % 700)):yyyy-MM-dd},{product},Hook numéro {i},{style},demo,20,{views},{watch + (i % 3) * 0.1},,{views / 20},{i % 7},{i % 5},{clicks + i % 4},{orders},{orders * 2.39}\n");
        }
        return sb.ToString();
    }

    public static async Task<JsonElement> ImportAsync(UserClient user, string csv)
    {
        using var response = await user.SendAsync(HttpMethod.Post, "/api/me/videos/import", Csv(csv));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body;
    }

    /// <summary>A product, a video and next week's plan of the owner, for the authorization matrix.</summary>
    public static async Task<(string ProductId, string VideoId, string PlanWeek)> OwnerResourcesAsync(UserClient owner)
    {
        var productId = await AddProductAsync(owner);
        using var video = await owner.SendAsync(HttpMethod.Post, "/api/me/videos", new { postedOn = "2026-11-10", productId, hookStyle = "question", lengthSeconds = 20, views = 900 });
        Assert.True(video.StatusCode == HttpStatusCode.Created, await video.Content.ReadAsStringAsync());
        var videoId = (await video.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        using var plan = await owner.SendAsync(HttpMethod.Post, "/api/me/plan");
        Assert.True(plan.StatusCode == HttpStatusCode.OK, await plan.Content.ReadAsStringAsync());
        var week = (await plan.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("week").GetString()!;
        return (productId, videoId, week);
    }
}
