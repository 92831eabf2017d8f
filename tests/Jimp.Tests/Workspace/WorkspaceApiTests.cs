using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Workspace;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;

namespace Jimp.Tests.Workspace;

/// <summary>A shared host with the workspace's limits set low by settings: 3 products, 40 videos.</summary>
public sealed class WorkspaceHost : SharedHost
{
    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Workspace:MaxProducts"] = "3";
        options.Settings["Workspace:MaxVideos"] = "40";
    }
}

/// <summary>The workspace over HTTP on the DevHost and Azurite (limits set low by settings: 3 products, 40 videos).</summary>
public sealed class WorkspaceApiTests(WorkspaceHost fixture) : IClassFixture<WorkspaceHost>, IAsyncDisposable
{
    private JimpTestHost Host { get; } = fixture.ForTest();

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    private async Task<UserClient> CreatorAsync(string locale = "fr")
    {
        var user = await Users.SignUpAsync(Host, locale: locale);
        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/profile", WorkspaceFixture.FrenchProfile)) put.EnsureSuccessStatusCode();
        return user;
    }

    private async Task<int> RowsAsync(string table, string userId)
    {
        var client = await Host.Storage.TableAsync(table);
        var n = 0;
        await foreach (var _ in client.QueryAsync<TableEntity>(e => e.PartitionKey == userId, select: ["RowKey"])) n++;
        return n;
    }

    [Fact]
    public async Task A_product_shows_its_earning_per_sale_and_a_bad_one_is_refused_field_by_field_with_nothing_stored()
    {
        using var user = await CreatorAsync();
        var id = await WorkspaceFixture.AddProductAsync(user, price: 24.99m, commission: 15m);
        var list = await user.GetJsonAsync("/api/me/products");
        var product = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(id, product.GetProperty("id").GetString());
        Assert.Equal(3.75m, product.GetProperty("earningPerSaleEur").GetDecimal());

        using var bad = await user.SendAsync(HttpMethod.Post, "/api/me/products", new { name = "", priceEur = -3, commissionPercent = 140, shopUrl = "http://evil.example/x" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("entre 0 et 100", errors.GetProperty("commissionPercent")[0].GetString(), StringComparison.Ordinal);
        foreach (var field in new[] { "name", "priceEur", "shopUrl" }) Assert.True(errors.TryGetProperty(field, out _), field);
        Assert.Equal(1, await RowsAsync(WorkspaceStore.ProductsTable, user.UserId));
    }

    [Fact]
    public async Task The_product_limit_is_a_setting_and_says_so()
    {
        using var user = await CreatorAsync(locale: "en");
        for (var i = 0; i < 3; i++) await WorkspaceFixture.AddProductAsync(user, name: $"P{i}");
        using var fourth = await user.SendAsync(HttpMethod.Post, "/api/me/products", new { name = "P3" });
        Assert.Equal(HttpStatusCode.Conflict, fourth.StatusCode);
        var problem = await fourth.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("workspace-limit", problem.GetProperty("code").GetString());
        Assert.Contains("3 products", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Importing_30_videos_stores_them_all_and_importing_the_file_again_replaces_them()
    {
        using var user = await CreatorAsync();
        await WorkspaceFixture.AddProductAsync(user);
        var csv = WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25));
        var first = await WorkspaceFixture.ImportAsync(user, csv);
        Assert.Equal(30, first.GetProperty("added").GetInt32());
        var again = await WorkspaceFixture.ImportAsync(user, csv);
        Assert.Equal(0, again.GetProperty("added").GetInt32());
        Assert.Equal(30, again.GetProperty("replaced").GetInt32());
        Assert.Equal(30, await RowsAsync(WorkspaceStore.VideosTable, user.UserId));
        var videos = (await user.GetJsonAsync("/api/me/videos")).GetProperty("items");
        Assert.Equal(30, videos.GetArrayLength());
        Assert.Equal("2026-11-25", videos[0].GetProperty("postedOn").GetString()); // newest first
    }

    [Fact]
    public async Task A_csv_with_one_bad_row_stores_nothing_and_the_problem_lists_the_row()
    {
        using var user = await CreatorAsync(locale: "en");
        await WorkspaceFixture.AddProductAsync(user);
        var csv = WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)).Replace("2026-11-20,", "2026-12-20,", StringComparison.Ordinal);
        using var response = await user.SendAsync(HttpMethod.Post, "/api/me/videos/import", WorkspaceFixture.Csv(csv));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("csv-invalid", problem.GetProperty("code").GetString());
        Assert.Contains("nothing was stored", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var row = Assert.Single(problem.GetProperty("rows").EnumerateArray());
        Assert.Equal(7, row.GetProperty("line").GetInt32());
        Assert.Equal("date", row.GetProperty("column").GetString());
        Assert.Equal(0, await RowsAsync(WorkspaceStore.VideosTable, user.UserId));

        using var unknown = await user.SendAsync(HttpMethod.Post, "/api/me/videos/import", WorkspaceFixture.Csv("date,length_seconds,views,mood\n2026-11-01,20,100,ok\n"));
        Assert.Contains("Unknown columns: mood", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var json = await user.SendAsync(HttpMethod.Post, "/api/me/videos/import", new { csv = "x" });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(0, await RowsAsync(WorkspaceStore.VideosTable, user.UserId));
    }

    [Fact]
    public async Task The_video_limit_is_a_setting_and_an_import_over_it_stores_nothing()
    {
        using var user = await CreatorAsync(locale: "en");
        await WorkspaceFixture.AddProductAsync(user);
        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));
        using var over = await user.SendAsync(HttpMethod.Post, "/api/me/videos/import", WorkspaceFixture.Csv(WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 10, 1), 20)));
        Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
        Assert.Contains("50 videos; the maximum is 40", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(30, await RowsAsync(WorkspaceStore.VideosTable, user.UserId));
    }

    [Fact]
    public async Task A_video_in_the_future_with_a_negative_count_is_refused_by_field()
    {
        using var user = await CreatorAsync(locale: "en");
        using var bad = await user.SendAsync(HttpMethod.Post, "/api/me/videos", new { postedOn = "2027-02-01", lengthSeconds = 20, views = -1, completionPercent = 101 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("The date is in the future.", errors.GetProperty("postedOn")[0].GetString());
        Assert.True(errors.TryGetProperty("views", out _));
        Assert.True(errors.TryGetProperty("completionPercent", out _));
        Assert.Equal(0, await RowsAsync(WorkspaceStore.VideosTable, user.UserId));
    }

    [Fact]
    public async Task The_results_compare_hook_styles_with_the_creators_median_and_cite_the_playbooks()
    {
        using var user = await CreatorAsync();
        await WorkspaceFixture.AddProductAsync(user);
        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));
        var results = await user.GetJsonAsync("/api/me/results");
        Assert.Equal(30, results.GetProperty("analysed").GetInt32());
        Assert.Equal(30, results.GetProperty("points").GetArrayLength());
        var question = results.GetProperty("hookStyles").EnumerateArray().Single(s => s.GetProperty("hookStyle").GetString() == "question");
        Assert.True(question.GetProperty("retentionVsMedian").GetDecimal() < -20);
        var findings = results.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("playbookId").GetString() == "hooks-question-curiosity" && f.GetProperty("text").GetString()!.Contains("moins longtemps que ta médiane", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_importing_30_videos_the_coach_answers_from_the_creators_own_numbers_and_cites_them()
    {
        using var user = await CreatorAsync();
        await WorkspaceFixture.AddProductAsync(user);
        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));
        using var created = await user.SendAsync(HttpMethod.Post, "/api/conversations");
        var conversation = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using (var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = "qu'est-ce que je dois changer dans mes vidéos ?" }))
        {
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            await Sse.ReadAllAsync(turn);
        }
        var answer = (await user.GetJsonAsync($"/api/conversations/{conversation}")).GetProperty("messages")[1];
        var text = answer.GetProperty("text").GetString()!;
        Assert.Contains("D'après tes chiffres", text, StringComparison.Ordinal);
        Assert.Contains("moins longtemps que ta médiane", text, StringComparison.Ordinal);
        Assert.Contains(answer.GetProperty("sources").EnumerateArray(), s => s.GetProperty("type").GetString() == "creator-data" && s.GetProperty("id").GetString() == WorkspaceGrounding.SourceId);
    }

    private async Task<string> AskAsync(UserClient user, string conversation, string text = "qu'est-ce que je dois changer dans mes vidéos ?")
    {
        using (var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text }))
        {
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            await Sse.ReadAllAsync(turn);
        }
        return (await user.GetJsonAsync($"/api/conversations/{conversation}")).GetProperty("messages").EnumerateArray()
            .Last(m => m.GetProperty("role").GetString() == "assistant").GetProperty("text").GetString()!;
    }

    private async Task<string> NewConversationAsync(UserClient user)
    {
        using var created = await user.SendAsync(HttpMethod.Post, "/api/conversations");
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>What the conversation's state row keeps of the creator's numbers (the coach's pinned copy).</summary>
    private async Task<string?> PinnedCopyAsync(string userId, string conversation)
    {
        var table = await Host.Storage.TableAsync(Jimp.Functions.Coaching.ConversationStore.Table);
        var state = await table.GetEntityAsync<TableEntity>(userId, conversation);
        return state.Value.GetString("Creator");
    }

    [Fact]
    public async Task Deleting_the_videos_leaves_no_copy_of_their_numbers_in_the_coachs_conversations()
    {
        using var user = await CreatorAsync();
        await WorkspaceFixture.AddProductAsync(user);
        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));
        var conversation = await NewConversationAsync(user);
        Assert.Contains("D'après tes chiffres", await AskAsync(user, conversation), StringComparison.Ordinal);
        Assert.Contains(WorkspaceGrounding.SourceId, await PinnedCopyAsync(user.UserId, conversation) ?? "", StringComparison.Ordinal);

        var videos = (await user.GetJsonAsync("/api/me/videos")).GetProperty("items").EnumerateArray().Select(v => v.GetProperty("id").GetString()!).ToList();
        Assert.Equal(30, videos.Count);
        foreach (var id in videos)
        {
            using var deleted = await user.SendAsync(HttpMethod.Delete, $"/api/me/videos/{id}");
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // Within the 10 minutes the conversation would have reused its copy: it is gone, and the coach no longer cites the numbers.
        Assert.True(string.IsNullOrEmpty(await PinnedCopyAsync(user.UserId, conversation)), "the conversation still holds a copy of the deleted videos' numbers");
        Assert.DoesNotContain("D'après tes chiffres", await AskAsync(user, conversation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_import_reaches_a_conversation_that_already_read_the_numbers_at_its_next_turn()
    {
        using var user = await CreatorAsync();
        await WorkspaceFixture.AddProductAsync(user);
        var conversation = await NewConversationAsync(user);
        Assert.DoesNotContain("D'après tes chiffres", await AskAsync(user, conversation), StringComparison.Ordinal); // no videos yet: pinned as "none"

        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));

        var answer = await AskAsync(user, conversation);
        Assert.Contains("D'après tes chiffres", answer, StringComparison.Ordinal);
        Assert.Contains("moins longtemps que ta médiane", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restriction_stops_the_analysis_and_the_plan()
    {
        using var user = await CreatorAsync(locale: "en");
        await WorkspaceFixture.AddProductAsync(user);
        using (var restrict = await user.SendAsync(HttpMethod.Put, "/api/me/restriction")) restrict.EnsureSuccessStatusCode();
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/me/results"), (HttpMethod.Post, "/api/me/plan") })
        {
            using var response = await user.SendAsync(method, path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("restricted", problem.GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task The_plan_is_proposed_ticked_off_and_downloaded_as_a_calendar()
    {
        using var user = await CreatorAsync();
        await WorkspaceFixture.AddProductAsync(user);
        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));
        using (var none = await user.GetAsync("/api/me/plan")) Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        using var proposed = await user.SendAsync(HttpMethod.Post, "/api/me/plan");
        var plan = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("2026-W49", plan.GetProperty("week").GetString()); // the week after 2026-11-28
        Assert.Equal(7, plan.GetProperty("items").GetArrayLength());
        Assert.Equal("result-first", plan.GetProperty("items")[0].GetProperty("hookStyle").GetString());

        using (var tick = await user.SendAsync(HttpMethod.Put, "/api/me/plan/2026-W49/items/2", new { done = true })) tick.EnsureSuccessStatusCode();
        var stored = await user.GetJsonAsync("/api/me/plan");
        Assert.True(stored.GetProperty("items")[2].GetProperty("done").GetBoolean());
        Assert.False(stored.GetProperty("items")[1].GetProperty("done").GetBoolean());

        using var ics = await user.GetAsync("/api/me/plan/2026-W49/calendar");
        Assert.Equal("text/calendar", ics.Content.Headers.ContentType?.MediaType);
        var text = await ics.Content.ReadAsStringAsync();
        Assert.Equal(7, text.Split("BEGIN:VEVENT").Length - 1);
        Assert.Contains("DTSTART;VALUE=DATE:20261130", text, StringComparison.Ordinal);
        using (var missing = await user.SendAsync(HttpMethod.Put, "/api/me/plan/2026-W49/items/9", new { done = true })) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_export_holds_the_products_and_videos_and_erasure_leaves_none()
    {
        using var user = await CreatorAsync();
        await WorkspaceFixture.AddProductAsync(user);
        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));
        using (await user.SendAsync(HttpMethod.Post, "/api/me/plan")) { }

        var exportId = await PrivacyFixture.ExportAndWaitAsync(Host, user);
        using (var zip = await PrivacyFixture.DownloadAsync(user, exportId))
        {
            using var data = JsonDocument.Parse(zip.GetEntry("data.json")!.Open());
            var stores = data.RootElement.GetProperty("stores");
            Assert.Equal("Brosse anti-poils", Assert.Single(stores.GetProperty(WorkspaceStore.ProductsTable).EnumerateArray()).GetProperty("name").GetString());
            Assert.Equal(30, stores.GetProperty(WorkspaceStore.VideosTable).GetArrayLength());
            Assert.Equal(1, stores.GetProperty(WorkspaceStore.PlansTable).GetArrayLength());
            Assert.NotNull(zip.GetEntry($"csv/{WorkspaceStore.ProductsTable}.csv"));
            using var videosCsv = new StreamReader(zip.GetEntry($"csv/{WorkspaceStore.VideosTable}.csv")!.Open(), Encoding.UTF8);
            Assert.Contains("Hook numéro 7", await videosCsv.ReadToEndAsync(), StringComparison.Ordinal);
        }

        using var erase = await user.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, erase.StatusCode);
        var requestId = (await erase.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        await PrivacyFixture.WaitForErasureAsync(Host, requestId);
        foreach (var table in new[] { WorkspaceStore.ProductsTable, WorkspaceStore.VideosTable, WorkspaceStore.PlansTable })
        {
            Assert.Equal(0, await RowsAsync(table, user.UserId));
        }
    }
}
