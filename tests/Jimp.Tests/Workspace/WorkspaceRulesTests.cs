using System.Reflection;
using System.Text;
using Jimp.Functions.Coaching;
using Jimp.Functions.Insights;
using Jimp.Functions.Workspace;

namespace Jimp.Tests.Workspace;

/// <summary>Products, the insights' arithmetic and rules, the plan and its calendar, without storage.</summary>
public sealed class WorkspaceRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    [Fact]
    public void Every_hook_style_and_format_names_a_playbook_that_exists()
    {
        var ids = KnowledgeBase.LoadEmbedded().Entries.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var c in HookStyles.All.Concat(VideoFormats.All))
        {
            Assert.True(ids.Contains(c.PlaybookId), $"{c.Id} cites {c.PlaybookId}, which is not a playbook");
        }
    }

    [Fact]
    public void The_earning_per_sale_is_price_times_commission_rounded_to_the_cent()
    {
        var p = new Product("p", "Lampe", null, 24.99m, 15m, null, null, ProductStatuses.Testing, default, default);
        Assert.Equal(3.75m, p.EarningPerSaleEur);
        Assert.Null((p with { CommissionPercent = null }).EarningPerSaleEur);
    }

    [Theory]
    [InlineData("https://shop.tiktok.com/view/product/1729?region=FR", true)]
    [InlineData("https://www.tiktok.com/@shop/video/1", true)]
    [InlineData("http://shop.tiktok.com/view/product/1", false)]
    [InlineData("https://tiktok.com.evil.example/p", false)]
    [InlineData("https://user:pw@shop.tiktok.com/p", false)]
    [InlineData("javascript:alert(1)", false)]
    public void A_shop_link_must_be_an_https_tiktok_address(string url, bool valid) => Assert.Equal(valid, ProductInput.IsShopUrl(url));

    [Fact]
    public void A_bad_product_names_each_field_in_the_users_language()
    {
        var errors = new ProductInput("", "moon", -1, 120, "http://x.example", null, "maybe").Validate(french: true);
        Assert.Equal(["commissionPercent", "name", "niche", "priceEur", "shopUrl", "status"], errors.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("entre 0 et 100", errors["commissionPercent"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_in_the_workspace_can_reach_the_network()
    {
        var types = typeof(WorkspaceService).Assembly.GetTypes().Where(t => t.Namespace == typeof(WorkspaceService).Namespace);
        var parameters = types.SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToList();
        Assert.NotEmpty(parameters);
        Assert.DoesNotContain(parameters, t => t == typeof(HttpClient) || t == typeof(IHttpClientFactory) || t.Name.Contains("Http", StringComparison.Ordinal) && t.Name != "HttpRequest");
    }

    internal static Video V(int day, string? style, decimal watch, long views, long clicks, long orders, string? product = null, decimal commission = 0) =>
        new($"v{day:D3}{style}", Today.AddDays(-40 + day), product, "hook", style, null, 20m, views, watch, null, 0, 0, 0, clicks, orders, commission, Video.FromCsv, default);

    [Fact]
    public void A_hook_style_far_below_the_median_gets_a_rule_citing_the_numbers_and_the_playbook()
    {
        var videos = new List<Video>();
        for (var i = 0; i < 4; i++) videos.Add(V(i, "question", 4m, 2000, 10, 1));        // 20 % retention
        for (var i = 4; i < 8; i++) videos.Add(V(i, "result-first", 12m, 2000, 40, 3));   // 60 %
        for (var i = 8; i < 12; i++) videos.Add(V(i, "problem", 9m, 2000, 30, 2));        // 45 %
        videos.Add(V(39, "question", 1m, 10, 0, 0)); // yesterday: not settled, left out
        var insights = CreatorInsights.Compute([], videos, Today, 2, french: true);

        Assert.Equal(13, insights.Videos);
        Assert.Equal(12, insights.Analysed);
        Assert.Equal(45m, insights.Medians.RetentionPercent);
        var question = insights.HookStyles.Single(s => s.HookStyle == "question");
        Assert.Equal(20m, question.RetentionPercent);
        Assert.Equal(-56m, question.RetentionVsMedian);
        var finding = Assert.Single(insights.Findings, f => f.Kind == "retention" && f.Tone == "fix");
        Assert.Equal("hooks-question-curiosity", finding.PlaybookId);
        Assert.Contains("56 % moins longtemps que ta médiane (20 %", finding.Text, StringComparison.Ordinal);
        Assert.Contains(insights.Findings, f => f.Kind == "retention" && f.Tone == "keep" && f.Text.Contains("Résultat d'abord", StringComparison.Ordinal));
        Assert.Equal(12, insights.Points.Count);
        Assert.True(insights.Points.Zip(insights.Points.Skip(1)).All(p => p.First.PostedOn <= p.Second.PostedOn), "points are in date order, for the charts");
    }

    [Fact]
    public void The_playbooks_stopping_rule_and_conversion_rule_name_the_product()
    {
        var dud = new Product("dud", "Gadget", null, 10m, 10m, null, null, ProductStatuses.Testing, default, default);
        var leaky = new Product("leaky", "Sac", null, 40m, 10m, null, null, ProductStatuses.Promoting, default, default);
        var videos = Enumerable.Range(0, 4).Select(i => V(i, "question", 5m, 1500, 0, 0, "dud"))
            .Concat(Enumerable.Range(4, 4).Select(i => V(i, "demo", 5m, 5000, 200, 1, "leaky"))).ToList();
        var insights = CreatorInsights.Compute([dud, leaky], videos, Today, 2, french: false);
        Assert.Contains(insights.Findings, f => f.Kind == "product" && f.PlaybookId == "analytics-ab-test-iterate" && f.Text.Contains("\"Gadget\": 4 videos without a single click", StringComparison.Ordinal));
        Assert.Contains(insights.Findings, f => f.Kind == "conversion" && f.Text.Contains("\"Sac\": 800 clicks but 4 orders (0.5%)", StringComparison.Ordinal));
        Assert.Contains(insights.Findings, f => f.Kind == "click-through" && f.Text.StartsWith("4 of your videos have at most 0.2%", StringComparison.Ordinal));
    }

    [Fact]
    public void The_plan_is_a_week_of_products_hooks_and_formats_without_dropped_products()
    {
        var promoted = new Product("a", "Lampe", null, 20m, 10m, null, null, ProductStatuses.Promoting, default, default);
        var dropped = new Product("b", "Vieux", null, 20m, 10m, null, null, ProductStatuses.Dropped, default, default);
        var videos = Enumerable.Range(0, 4).Select(i => V(i, "question", 4m, 2000, 10, 1)).Concat(Enumerable.Range(4, 4).Select(i => V(i, "result-first", 10m, 2000, 40, 3))).ToList();
        var insights = CreatorInsights.Compute([promoted, dropped], videos, Today, 2, french: true);
        var plan = WeeklyPlanner.Propose(new InsightWeek(2026, 50), [promoted, dropped], insights, ["#astuce"], french: true, DateTimeOffset.UnixEpoch);

        Assert.Equal(7, plan.Items.Count);
        Assert.Equal(new DateOnly(2026, 12, 7), plan.Items[0].Date);
        Assert.All(plan.Items, i => Assert.Equal("a", i.ProductId));
        Assert.Equal("result-first", plan.Items[0].HookStyle); // the style that keeps viewers best comes first
        var explored = plan.Items.Where(i => i.Idea.Contains("à tester", StringComparison.Ordinal)).Select(i => i.HookStyle).Distinct().ToList();
        Assert.Equal(2, plan.Items.Count(i => i.Idea.Contains("à tester", StringComparison.Ordinal)));
        Assert.DoesNotContain("result-first", explored); // exploration tries a style not tried much, not a winner
        Assert.True(plan.Items.Zip(plan.Items.Skip(1)).All(p => p.First.Format != p.Second.Format), "no two days in a row share a format");
    }

    [Fact]
    public void The_calendar_is_RFC_5545_with_folded_lines_escaped_text_and_one_event_per_video()
    {
        var items = Enumerable.Range(0, 7).Select(i => new PlanItem(i, new DateOnly(2026, 12, 7).AddDays(i), "a", "Lampe; modèle « pro », 2 pièces",
            "question", "demo", "Démo de « Lampe; modèle pro, 2 pièces » avec un hook question — une idée assez longue pour dépasser soixante-quinze octets sur une ligne.", null, i == 0)).ToList();
        var ics = WeeklyPlanner.ToICalendar(new WeeklyPlan("2026-W50", "fr", DateTimeOffset.UnixEpoch, items), new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

        Assert.StartsWith("BEGIN:VCALENDAR\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("VERSION:2.0\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("PRODID:-//JIMP//Weekly plan//FR\r\n", ics, StringComparison.Ordinal);
        Assert.Equal(7, ics.Split("BEGIN:VEVENT").Length - 1);
        Assert.Contains("DTSTART;VALUE=DATE:20261207\r\n", ics, StringComparison.Ordinal);
        Assert.Contains("UID:2026-W50-0@jimp\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", ics.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal); // CRLF only
        foreach (var line in ics.Split("\r\n"))
        {
            Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, $"line longer than 75 octets: {line}");
        }
        var unfolded = ics.Replace("\r\n ", "", StringComparison.Ordinal);
        Assert.Contains(@"Lampe\; modèle « pro »\, 2 pièces", unfolded, StringComparison.Ordinal); // TEXT escaping of ; and ,
        Assert.Contains(@"\nHook : Question\n", unfolded, StringComparison.Ordinal); // newlines escaped
        Assert.Contains("SUMMARY:✓ Démo", unfolded, StringComparison.Ordinal); // ticked off
        Assert.EndsWith("END:VCALENDAR\r\n", ics, StringComparison.Ordinal);
    }
}

public sealed class WorkspaceGroundingTests
{
    [Fact]
    public void The_coachs_source_quotes_the_medians_and_the_rules_within_its_size_and_says_nothing_without_videos()
    {
        var today = new DateOnly(2026, 12, 1);
        var videos = new List<Video>();
        for (var i = 0; i < 4; i++) videos.Add(WorkspaceRulesTests.V(i, "question", 4m, 2000, 10, 1));
        for (var i = 4; i < 8; i++) videos.Add(WorkspaceRulesTests.V(i, "result-first", 12m, 2000, 40, 3));
        for (var i = 8; i < 12; i++) videos.Add(WorkspaceRulesTests.V(i, "problem", 9m, 2000, 30, 2));
        var source = WorkspaceGrounding.Summarise(CreatorInsights.Compute([], videos, today, 2, french: true), french: true);
        Assert.NotNull(source);
        Assert.Equal(WorkspaceGrounding.SourceId, source.Id);
        Assert.StartsWith("12 vidéos analysées. Médianes : rétention 45 %", source.Text, StringComparison.Ordinal);
        Assert.Contains("Hooks « Question » (4) : rétention 20 % (-56 %)", source.Text, StringComparison.Ordinal);
        Assert.True(source.Text.Length <= WorkspaceGrounding.MaxChars);
        Assert.Null(WorkspaceGrounding.Summarise(CreatorInsights.Compute([], [], today, 2, french: true), french: true));
    }
}
