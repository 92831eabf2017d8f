using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Jimp.Functions.Insights;

namespace Jimp.Functions.Workspace;

/// <summary>One video of the plan: a day, a product, a hook style and a format, and whether it was made.</summary>
public sealed record PlanItem(int Index, DateOnly Date, string? ProductId, string? ProductName, string HookStyle, string Format, string Idea, string? Trend, bool Done);

/// <summary>A week of videos (ISO week <c>2026-W49</c>), in the language it was written in.</summary>
public sealed record WeeklyPlan(string Week, string Language, DateTimeOffset CreatedAt, IReadOnlyList<PlanItem> Items);

/// <summary>
/// Proposes a week of videos from the creator's products, results and the niche's trends: products being
/// promoted first (then tested ones, then ideas; never dropped ones), ranked by what they earned per video;
/// the hook styles that keep viewers best for most days and one style not tried yet or least tried (the
/// playbooks' explore/exploit cycle, analytics-ab-test-iterate); formats rotated so no two days in a row share one.
/// </summary>
public static class WeeklyPlanner
{
    public const int VideosPerWeek = 7;

    public static WeeklyPlan Propose(InsightWeek week, IReadOnlyList<Product> products, CreatorInsightsView insights, IReadOnlyList<string> trends, bool french, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(products);
        ArgumentNullException.ThrowIfNull(insights);
        ArgumentNullException.ThrowIfNull(trends);
        var statusRank = new Dictionary<string, int>(StringComparer.Ordinal) { [ProductStatuses.Promoting] = 0, [ProductStatuses.Testing] = 1, [ProductStatuses.Idea] = 2 };
        var byProduct = insights.Products.ToDictionary(p => p.ProductId, StringComparer.Ordinal);
        var candidates = products.Where(p => statusRank.ContainsKey(p.Status))
            .OrderBy(p => statusRank[p.Status])
            .ThenByDescending(p => byProduct.TryGetValue(p.Id, out var r) && r.Videos > 0 ? r.CommissionEur / r.Videos : 0)
            .ThenByDescending(p => p.EarningPerSaleEur ?? 0)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(4)
            .ToList();

        var tried = insights.HookStyles.ToDictionary(s => s.HookStyle, StringComparer.Ordinal);
        var exploit = insights.HookStyles.Where(s => s.Videos >= CreatorInsights.MinVideosPerStyle)
            .OrderByDescending(s => s.RetentionVsMedian ?? 0).ThenByDescending(s => s.ClickThroughVsMedian ?? 0)
            .Select(s => s.HookStyle).Take(3).ToList();
        if (exploit.Count == 0) exploit = ["result-first", "question", "problem"];
        var explore = HookStyles.All.OrderBy(h => tried.TryGetValue(h.Id, out var s) ? s.Videos : 0).ThenBy(h => h.Id, StringComparer.Ordinal)
            .First(h => !exploit.Contains(h.Id)).Id;

        var items = new List<PlanItem>(VideosPerWeek);
        for (var i = 0; i < VideosPerWeek; i++)
        {
            var product = candidates.Count == 0 ? null : candidates[i % candidates.Count];
            var hook = i is 3 or 6 ? explore : exploit[i % exploit.Count];
            var format = VideoFormats.All[(i + week.Week) % VideoFormats.All.Count];
            var trend = trends.Count == 0 ? null : trends[i % trends.Count];
            var hookLabel = HookStyles.All.First(h => h.Id == hook).Label(french);
            var formatLabel = format.Label(french);
            var what = product?.Name ?? (french ? "un produit de ta liste" : "a product from your list");
            var idea = french
                ? $"{formatLabel} de « {what} » avec un hook {hookLabel.ToLowerInvariant()}{(i is 3 or 6 ? " (à tester : tu l'as peu essayé)" : "")}."
                : $"{formatLabel} of \"{what}\" with a {hookLabel.ToLowerInvariant()} hook{(i is 3 or 6 ? " (to test: you have tried it little)" : "")}.";
            items.Add(new PlanItem(i, DateOnly.FromDateTime(week.Start.UtcDateTime).AddDays(i), product?.Id, product?.Name, hook, format.Id, idea, trend, false));
        }
        return new WeeklyPlan(week.ToString(), french ? "fr" : "en", now, items);
    }

    /// <summary>The plan as an iCalendar file (RFC 5545, written by Ical.Net: CRLF, lines folded at 75 octets, text escaped), one all-day event per video.</summary>
    public static string ToICalendar(WeeklyPlan plan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var french = plan.Language == "fr";
        var calendar = new Calendar { ProductId = "-//JIMP//Weekly plan//" + (french ? "FR" : "EN") };
        calendar.AddProperty("X-WR-CALNAME", (french ? "JIMP — plan de la semaine " : "JIMP — weekly plan ") + plan.Week);
        foreach (var item in plan.Items)
        {
            var hook = HookStyles.All.FirstOrDefault(h => h.Id == item.HookStyle);
            var format = VideoFormats.All.FirstOrDefault(f => f.Id == item.Format);
            var description = french
                ? $"Produit : {item.ProductName ?? "—"}\nHook : {hook?.Fr}\nFormat : {format?.Fr}{(item.Trend is null ? "" : $"\nTendance à tester : {item.Trend}")}\nPlaybooks : {hook?.PlaybookId}, {format?.PlaybookId}"
                : $"Product: {item.ProductName ?? "—"}\nHook: {hook?.En}\nFormat: {format?.En}{(item.Trend is null ? "" : $"\nTrend to try: {item.Trend}")}\nPlaybooks: {hook?.PlaybookId}, {format?.PlaybookId}";
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{plan.Week}-{item.Index}@jimp",
                Summary = (item.Done ? "✓ " : "") + item.Idea,
                Description = description,
                Start = new CalDateTime(item.Date),
                End = new CalDateTime(item.Date.AddDays(1)),
                DtStamp = new CalDateTime(now.UtcDateTime, "UTC"),
                Transparency = TransparencyType.Transparent,
            });
        }
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }
}
