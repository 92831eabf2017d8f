using Azure.Data.Tables;
using Jimp.Functions.Trends;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Trends;

[Collection(SharedHostCollection.Name)]
public sealed class TrendRefreshTests(SharedHost shared) : IAsyncLifetime
{
    private FakeCreativeCenter fake = null!;

    public async Task InitializeAsync() => fake = await FakeCreativeCenter.StartAsync();

    public async Task DisposeAsync() => await fake.DisposeAsync();

    /// <summary>A host whose trend source is the fake, with short timeouts and retry delays.</summary>
    private Task<JimpTestHost> StartHostAsync(bool allKinds = true, int perIndustry = 0) => JimpTestHost.StartAsync(o =>
    {
        o.Settings["Trends:BaseUrl"] = fake.BaseUrl.AbsoluteUri;
        o.Settings["Trends:Headers:user-sign"] = "test-session-sign";
        o.Settings["Trends:AttemptTimeout"] = "00:00:03"; // short for the timeout case, with room for a loaded CI machine
        o.Settings["Trends:TotalTimeout"] = "00:00:10";
        o.Settings["Trends:RetryDelay"] = "00:00:00.010";
        o.Settings["Trends:MaxRetries"] = "1";
        o.Settings["Trends:MaxItemsPerIndustry"] = perIndustry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!allKinds)
        {
            o.Settings["Trends:Kinds:0"] = TrendKinds.Hashtags;
        }
    });

    private static TrendStore Store(JimpTestHost host) => host.Services.GetRequiredService<TrendStore>();

    private static readonly TrendSnapshotKey FrHashtags = new("FR", TrendKinds.Hashtags, 7);

    [Fact]
    public async Task A_good_refresh_stores_one_whole_snapshot_per_list()
    {
        await using var host = await StartHostAsync(perIndustry: 5);
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));

        var store = Store(host);
        var hashtags = await store.LatestAsync(FrHashtags, default);
        Assert.NotNull(hashtags);
        Assert.Equal(100, hashtags.Items.Count); // 130 available, 100 kept: pages of 50 until the max
        Assert.Equal(Enumerable.Range(1, 100), hashtags.Items.Select(i => i.Rank));
        Assert.Equal("taga1", hashtags.Items[0].Name);
        Assert.Equal(9_999, hashtags.Items[0].Metric);
        Assert.Equal("Beauty & Personal Care", hashtags.Items[0].Category);
        Assert.Equal(new DateOnly(2026, 11, 28), hashtags.Date);
        Assert.Equal(host.Clock.GetUtcNow(), hashtags.FetchedAt);

        var songs = await store.LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Songs, 7), default);
        Assert.Equal(29, songs!.Items.Count); // sound_list, two pages of 20; the creator's "original sound" dropped
        var products = await store.LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Products, 7), default);
        Assert.Equal(25, products!.Items.Count);
        var keywords = await store.LatestAsync(new TrendSnapshotKey("FR", TrendKinds.Keywords, 7), default);
        Assert.Equal(45, keywords!.Items.Count);
        var beautyHashtags = await store.LatestAsync(FrHashtags with { IndustryId = "14000000000" }, default);
        Assert.Equal(5, beautyHashtags!.Items.Count);
        Assert.StartsWith("tagi14", beautyHashtags.Items[0].Name, StringComparison.Ordinal);

        // The session headers from configuration went with every request.
        Assert.All(fake.Requests, r => Assert.Equal("test-session-sign", r.Headers["user-sign"]));
    }

    [Fact]
    public async Task Every_outbound_query_parameter_is_in_the_allowlist()
    {
        await using var host = await StartHostAsync(perIndustry: 5);
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));

        Assert.True(fake.Requests.Count >= 9, $"only {fake.Requests.Count} requests");
        var sent = fake.Requests.SelectMany(r => r.Parameters.Keys).Distinct().ToList();
        Assert.All(sent, p => Assert.True(CreativeCenterAllowlist.Parameters.Contains(p), $"{p} left the app but is not allowlisted"));
        // Industry filters are the only niche-related values that leave, and they are Creative Center ids.
        Assert.Contains(fake.Requests, r => r.Parameters.ContainsKey("industry_id"));
        Assert.Contains(fake.Requests, r => r.Parameters.ContainsKey("industry"));
    }

    [Fact]
    public async Task A_request_with_a_parameter_outside_the_allowlist_is_refused_before_it_is_sent()
    {
        await using var host = await StartHostAsync();
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(CreativeCenterClient.HttpClientName);

        await Assert.ThrowsAsync<InvalidOperationException>(() => http.GetAsync(new Uri("popular_trend/hashtag/list?page=1&user_id=42", UriKind.Relative)));
        Assert.Empty(fake.Requests);
        Assert.Equal(["user_id"], CreativeCenterAllowlist.Disallowed(new Uri("http://x.invalid/p?page=1&user_id=42")));
    }

    [Fact]
    public async Task No_creator_name_or_avatar_is_stored_or_logged()
    {
        await using var host = await StartHostAsync(perIndustry: 5);
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));

        var stored = await StorageScan.EverythingAsync(host.Storage);
        Assert.True(stored.Count >= 4, "the refresh stored nothing to scan");
        var forbidden = FakeCreativeCenter.CreatorNickNames.Concat(FakeCreativeCenter.CreatorAvatarUrls).Append("avatars.invalid").ToList();
        foreach (var text in stored.Concat(host.Logs.Lines))
        {
            foreach (var word in forbidden)
            {
                Assert.DoesNotContain(word, text, StringComparison.OrdinalIgnoreCase);
            }
            Assert.DoesNotContain("creators", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("nick_name", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(FakeFailure.ApiError50004, 1, "api-error")]
    [InlineData(FakeFailure.TooManyRequests, 1, "http-status")]
    [InlineData(FakeFailure.ServerError, 1, "http-status")]
    [InlineData(FakeFailure.HtmlPage, 1, "not-json")]
    [InlineData(FakeFailure.Timeout, 1, "timeout")]
    [InlineData(FakeFailure.TruncatedJson, 2, "not-json")]
    [InlineData(FakeFailure.MissingPage, 2, "http-status")]
    public async Task A_failed_refresh_keeps_the_last_good_snapshot(FakeFailure failure, int fromPage, string loggedKind)
    {
        await using var host = await StartHostAsync(allKinds: false);
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));
        var good = await Store(host).LatestAsync(FrHashtags, default);
        Assert.Equal("taga1", good!.Items[0].Name);

        // Later the same day the source fails, with new data behind the failure.
        host.Clock.Advance(TimeSpan.FromHours(6));
        fake.Edition = "b";
        fake.Failure = failure;
        fake.FailFromPage = fromPage;
        var requestsBefore = fake.Requests.Count;
        var report = await host.Services.GetRequiredService<TrendService>().RefreshAsync(default);

        Assert.Equal(new TrendRefreshReport(true, 0, 1, 0), report);
        var kept = await Store(host).LatestAsync(FrHashtags, default);
        Assert.Equal(good.Items, kept!.Items);
        Assert.Equal(good.FetchedAt, kept.FetchedAt);
        var line = Assert.Single(host.Logs.Lines, l => l.Contains("Trend fetch failed", StringComparison.Ordinal));
        Assert.Contains(loggedKind, line, StringComparison.Ordinal);
        Assert.Contains("FR", line, StringComparison.Ordinal);
        Assert.Contains("popular_trend/hashtag/list", line, StringComparison.Ordinal);
        Assert.DoesNotContain("html", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tagb", line, StringComparison.Ordinal);

        // Retries only where they may help: 429, 5xx and timeouts get one retry here; the rest none.
        var attemptsOnFailingPage = fake.Requests.Skip(requestsBefore).Count(r => r.Parameters["page"] == fromPage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var retried = failure is FakeFailure.TooManyRequests or FakeFailure.ServerError or FakeFailure.Timeout;
        Assert.Equal(retried ? 2 : 1, attemptsOnFailingPage);
    }

    [Fact]
    public async Task A_second_run_the_same_day_replaces_the_snapshot_and_the_next_day_adds_one()
    {
        await using var host = await StartHostAsync(allKinds: false);
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));
        fake.Edition = "b";
        host.Clock.Advance(TimeSpan.FromHours(6));
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));

        var table = host.Storage.Table(TrendStore.TableName);
        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == FrHashtags.PartitionKey).ToListAsync();
        var row = Assert.Single(rows);
        Assert.Equal("tagb1", (await Store(host).LatestAsync(FrHashtags, default))!.Items[0].Name);

        fake.Edition = "c";
        host.Clock.Advance(TimeSpan.FromDays(1));
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));
        rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == FrHashtags.PartitionKey).ToListAsync();
        Assert.Equal(2, rows.Count);
        var latest = await Store(host).LatestAsync(FrHashtags, default);
        Assert.Equal(new DateOnly(2026, 11, 29), latest!.Date);
        Assert.Equal("tagc1", latest.Items[0].Name);
    }

    [Fact]
    public async Task Not_configured_fetches_nothing_stores_nothing_and_says_so_once()
    {
        await using var host = shared.ForTest();
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));
        await host.RunTimerAsync(nameof(TrendFunctions.RefreshTrends));

        Assert.Empty(fake.Requests);
        Assert.Empty(await StorageScan.TableNamesAsync(host.Storage));
        Assert.Single(host.Logs.Lines, l => l.Contains("Trends are not configured", StringComparison.Ordinal));
    }
}
