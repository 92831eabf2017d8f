using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jimp.Tests.Support;

/// <summary>How the fake answers a page.</summary>
public enum FakeFailure
{
    None,
    /// <summary>HTTP 200 with <c>{"code":50004,"msg":"...","data":{"list":[]}}</c> (session headers missing or expired).</summary>
    ApiError50004,
    TooManyRequests,
    ServerError,
    /// <summary>HTTP 200 with an HTML page instead of JSON.</summary>
    HtmlPage,
    /// <summary>No answer until well past the client's timeout.</summary>
    Timeout,
    /// <summary>HTTP 200 with the JSON cut in the middle.</summary>
    TruncatedJson,
    /// <summary>HTTP 404 for the page.</summary>
    MissingPage,
    /// <summary>HTTP 200 with a valid envelope far larger than any real page (4 MiB), as a hostile or broken server.</summary>
    HugeBody,
    /// <summary>HTTP 302 to another path of this server, which records whether the client followed with its headers.</summary>
    Redirect,
}

/// <summary>One request as the fake received it.</summary>
public sealed record FakeRequest(string Path, string Query, IReadOnlyDictionary<string, string> Parameters, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A local Creative Center: a real Kestrel server on 127.0.0.1 serving the real envelope shapes under
/// <c>/creative_radar_api/v1/</c> (<c>list</c>, <c>sound_list</c> for songs, <c>pagination.has_more</c>), with hashtag
/// items carrying <c>creators[{nick_name, avatar_url}]</c> and songs an <c>author</c>, so tests can prove they are
/// dropped. Failures are scripted per page; every request is recorded (path + query).
/// </summary>
public sealed class FakeCreativeCenter : IAsyncDisposable
{
    public const string BasePath = "/creative_radar_api/v1/";

    /// <summary>Creator nick names and avatar URLs in the fake's answers: none may ever be stored or logged.</summary>
    public static IReadOnlyList<string> CreatorNickNames { get; } = ["lea.beaute.officielle", "marco_unboxing_fr", "ines.cuisine.vraie"];

    public static IReadOnlyList<string> CreatorAvatarUrls { get; } =
        ["http://avatars.invalid/lea-beaute-officielle.jpeg", "http://avatars.invalid/marco-unboxing.jpeg", "http://avatars.invalid/ines-cuisine.jpeg"];

    public static IReadOnlyDictionary<string, int> ItemCounts { get; } = new Dictionary<string, int>
    {
        ["hashtag/list"] = 130,
        ["sound/rank_list"] = 30,
        ["product/list"] = 25,
        ["keyword/list"] = 45,
    };

    private readonly WebApplication app;
    private readonly ConcurrentQueue<FakeRequest> requests = new();

    private FakeCreativeCenter(WebApplication app, Uri baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<FakeRequest> Requests => requests.ToArray();

    /// <summary>The failure served, and from which page on (1 = every page).</summary>
    public FakeFailure Failure { get; set; }

    public int FailFromPage { get; set; } = 1;

    /// <summary>Changes every name, so a test can tell one run's snapshot from another's.</summary>
    public string Edition { get; set; } = "a";

    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromSeconds(20);

    public static async Task<FakeCreativeCenter> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeCreativeCenter? fake = null;
        app.MapGet(BasePath + "{**path}", (HttpContext context, string path) => fake!.AnswerAsync(context, path));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeCreativeCenter(app, new Uri(address.TrimEnd('/') + BasePath));
        return fake;
    }

    private async Task AnswerAsync(HttpContext context, string path)
    {
        var query = context.Request.Query;
        requests.Enqueue(new FakeRequest(
            context.Request.Path.Value!,
            context.Request.QueryString.Value ?? "",
            query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));

        var page = int.TryParse(query["page"], CultureInfo.InvariantCulture, out var p) ? p : 1;
        var limit = int.TryParse(query["limit"], CultureInfo.InvariantCulture, out var l) ? l : 20;
        var failure = page >= FailFromPage ? Failure : FakeFailure.None;
        switch (failure)
        {
            case FakeFailure.TooManyRequests:
                context.Response.StatusCode = 429;
                await context.Response.WriteAsJsonAsync(new { code = 40100, msg = "rate limited" });
                return;
            case FakeFailure.ServerError:
                context.Response.StatusCode = 500;
                return;
            case FakeFailure.MissingPage:
                context.Response.StatusCode = 404;
                return;
            case FakeFailure.HugeBody:
                await context.Response.WriteAsync("{\"code\":0,\"msg\":\"OK\",\"data\":{\"list\":[],\"pad\":\"" + new string('x', 4 * 1024 * 1024) + "\"}}");
                return;
            case FakeFailure.Redirect:
                context.Response.StatusCode = 302;
                context.Response.Headers.Location = BasePath + "redirected/elsewhere";
                return;
            case FakeFailure.HtmlPage:
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<!DOCTYPE html><html><head><title>Security check</title></head><body><p>Please verify you are human.</p></body></html>");
                return;
            case FakeFailure.Timeout:
                try
                {
                    await Task.Delay(TimeoutDelay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                break;
            case FakeFailure.ApiError50004:
                await context.Response.WriteAsJsonAsync(new { code = 50004, msg = "no permission", data = new { list = Array.Empty<object>() } });
                return;
        }

        var kind = ItemCounts.Keys.FirstOrDefault(k => path.EndsWith(k, StringComparison.Ordinal));
        if (kind is null)
        {
            context.Response.StatusCode = 404;
            return;
        }
        var industry = query["industry_id"].ToString() is { Length: > 0 } i ? i : query["industry"].ToString();
        var total = industry.Length > 0 ? Math.Min(ItemCounts[kind], 30) : ItemCounts[kind];
        var first = (page - 1) * limit;
        var items = Enumerable.Range(first, Math.Max(0, Math.Min(limit, total - first))).Select(n => Item(kind, n + 1, industry)).ToList();
        var listKey = kind == "sound/rank_list" ? "sound_list" : "list";
        var body = new Dictionary<string, object>
        {
            ["code"] = 0,
            ["msg"] = "OK",
            ["request_id"] = "fake",
            ["data"] = new Dictionary<string, object>
            {
                [listKey] = items,
                ["pagination"] = new { page, size = limit, total, has_more = first + limit < total },
            },
        };
        var json = JsonSerializer.Serialize(body);
        if (failure == FakeFailure.TruncatedJson)
        {
            json = json[..(json.Length / 2)];
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    private object Item(string kind, int rank, string industry)
    {
        var creator = (rank - 1) % CreatorNickNames.Count;
        var tag = industry.Length > 0 ? "i" + industry[..2] : "";
        return kind switch
        {
            "hashtag/list" => new Dictionary<string, object?>
            {
                ["hashtag_id"] = (7_000_000 + rank).ToString(CultureInfo.InvariantCulture),
                ["hashtag_name"] = $"tag{tag}{Edition}{rank}",
                ["country_info"] = new { id = "FR", value = "France", label = "FR" },
                ["industry_info"] = new { id = 14000000000, value = "Beauty & Personal Care", label = "label_14000000000" },
                ["is_promoted"] = false,
                ["publish_cnt"] = 10_000 - rank,
                ["video_views"] = 1_000_000 - rank,
                ["rank"] = rank,
                ["rank_diff"] = rank % 5,
                ["rank_diff_type"] = rank % 3,
                ["trend"] = new[] { new { time = 1764288000, value = 0.5 }, new { time = 1764374400, value = 1.0 } },
                ["creators"] = new[] { new { nick_name = CreatorNickNames[creator], avatar_url = CreatorAvatarUrls[creator] } },
            },
            "sound/rank_list" => new Dictionary<string, object?>
            {
                ["song_id"] = (8_000_000 + rank).ToString(CultureInfo.InvariantCulture),
                ["clip_id"] = (9_000_000 + rank).ToString(CultureInfo.InvariantCulture),
                // A creator's own sound names its creator: the mapper must drop it.
                ["title"] = rank == 3 ? "original sound - " + CreatorNickNames[creator] : $"song{Edition}{rank}",
                ["author"] = CreatorNickNames[creator],
                ["cover"] = CreatorAvatarUrls[creator],
                ["duration"] = 30,
                ["rank"] = rank,
                ["rank_diff"] = 1,
                ["rank_diff_type"] = 2,
                ["promoted"] = false,
                ["link"] = "http://music.invalid/" + rank,
                ["trend"] = Array.Empty<object>(),
            },
            "product/list" => new Dictionary<string, object?>
            {
                ["url_title"] = $"product{Edition}{rank}",
                ["first_ecom_category"] = rank % 2 == 1 ? new { id = "601450", value = "Beauty & Personal Care" } : new { id = "600001", value = "Home Supplies" },
                ["second_ecom_category"] = new { id = "601451", value = "Skincare" },
                ["third_ecom_category"] = new { id = "601452", value = "Serums" },
                ["post"] = 500 - rank,
                ["post_change"] = 12.5,
                ["impression"] = 90_000 - rank,
                ["like"] = 100,
                ["comment"] = 10,
                ["share"] = 5,
                ["ctr"] = 1.25,
                ["cvr"] = 2.5,
                ["cpa"] = 3.1,
                ["cost"] = 1000,
                ["play_six_rate"] = 22.5,
            },
            _ => new Dictionary<string, object?>
            {
                ["keyword"] = $"kw{tag}{Edition}{rank}",
                ["post"] = 800 - rank,
                ["post_change"] = 3.5,
                ["impression"] = 70_000 - rank,
                ["ctr"] = 1.5,
                ["cvr"] = 0.8,
                ["cpa"] = 2.0,
                ["cost"] = 300,
            },
        };
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
