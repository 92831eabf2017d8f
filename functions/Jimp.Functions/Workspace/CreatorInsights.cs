using System.Globalization;

namespace Jimp.Functions.Workspace;

/// <summary>The creator's medians over their settled videos (null where no video gives the figure).</summary>
public sealed record Medians(decimal? RetentionPercent, decimal? CompletionPercent, decimal? ClickThroughPercent, decimal? ConversionPercent, decimal? CommissionPer1000Views);

/// <summary>One video's ratios, for the charts over time.</summary>
public sealed record VideoPoint(string Id, DateOnly PostedOn, string? HookStyle, string? ProductId, long Views, decimal? RetentionPercent, decimal? CompletionPercent, decimal? ClickThroughPercent, decimal? ConversionPercent, decimal CommissionEur);

/// <summary>One hook style's medians, and how far they are from the creator's (in %, + = better).</summary>
public sealed record HookStyleResult(string HookStyle, string Label, string PlaybookId, int Videos, decimal? RetentionPercent, decimal? ClickThroughPercent, decimal? ConversionPercent, decimal? RetentionVsMedian, decimal? ClickThroughVsMedian, decimal? ConversionVsMedian);

/// <summary>One product's totals.</summary>
public sealed record ProductResult(string ProductId, string Name, string Status, int Videos, long Views, long ProductClicks, long Orders, decimal CommissionEur, decimal? EarningPerSaleEur, decimal? ClickThroughPercent, decimal? ConversionPercent);

/// <summary>A rule of thumb of the playbooks applied to the creator's numbers; <see cref="Text"/> quotes them.</summary>
/// <param name="Kind">What it is about: retention, click-through, conversion, product, iterate.</param>
/// <param name="Tone"><c>fix</c> (something to change) or <c>keep</c> (something that works).</param>
public sealed record Finding(string Kind, string Tone, string PlaybookId, string Text);

/// <summary>The creator's own insights: every figure comes from their videos; rules from the playbooks.</summary>
public sealed record CreatorInsightsView(
    int Videos,
    int Analysed,
    int SettleDays,
    Medians Medians,
    IReadOnlyList<VideoPoint> Points,
    IReadOnlyList<HookStyleResult> HookStyles,
    IReadOnlyList<ProductResult> Products,
    IReadOnlyList<Finding> Findings);

/// <summary>
/// Computes the insights in memory from the creator's products and videos (no storage request of its own).
/// Videos younger than <see cref="WorkspaceOptions.SettleDays"/> are left out (the playbooks: wait 48 hours
/// before judging a video). Comparisons are to the creator's own median ("compare yourself with yourself") and
/// to the rules of thumb the playbooks state, each finding naming the playbook it applies.
/// </summary>
public static class CreatorInsights
{
    /// <summary>A hook style is compared once it has this many settled videos.</summary>
    public const int MinVideosPerStyle = 3;

    /// <summary>A style this far (in %) from the median is worth a word.</summary>
    public const decimal NotableGapPercent = 20m;

    /// <summary>"a 30-second video watched for 8 seconds on average needs trimming or better pacing" (analytics-retention-watch-time): about 27 %.</summary>
    public const decimal LowRetentionPercent = 30m;

    /// <summary>"50,000 views, 0.2% CTR: ... the product only appears at the end" (analytics-ctr-conversion).</summary>
    public const decimal LowClickThroughPercent = 0.2m;

    /// <summary>"800 clicks, 3 orders: ... change product" (analytics-ctr-conversion): under 1 % of clicks become orders, over at least 100 clicks.</summary>
    public const decimal LowConversionPercent = 1m;

    public const int ConversionMinClicks = 100;

    /// <summary>"a product with no clicks after 4-5 videos in different formats gets shelved" (analytics-ab-test-iterate).</summary>
    public const int StoppingRuleVideos = 4;

    public static CreatorInsightsView Compute(IReadOnlyList<Product> products, IReadOnlyList<Video> videos, DateOnly today, int settleDays, bool french)
    {
        ArgumentNullException.ThrowIfNull(products);
        ArgumentNullException.ThrowIfNull(videos);
        var settled = videos.Where(v => v.PostedOn <= today.AddDays(-settleDays)).OrderBy(v => v.PostedOn).ThenBy(v => v.Id, StringComparer.Ordinal).ToList();
        var medians = MediansOf(settled);
        var points = settled.Select(v => new VideoPoint(v.Id, v.PostedOn, v.HookStyle, v.ProductId, v.Views, v.RetentionPercent, v.CompletionPercent, v.ClickThroughPercent, v.ConversionPercent, v.CommissionEur)).ToList();

        var styles = new List<HookStyleResult>();
        foreach (var style in HookStyles.All)
        {
            var mine = settled.Where(v => v.HookStyle == style.Id).ToList();
            if (mine.Count == 0) continue;
            var m = MediansOf(mine);
            styles.Add(new HookStyleResult(style.Id, style.Label(french), style.PlaybookId, mine.Count, m.RetentionPercent, m.ClickThroughPercent, m.ConversionPercent,
                Gap(m.RetentionPercent, medians.RetentionPercent), Gap(m.ClickThroughPercent, medians.ClickThroughPercent), Gap(m.ConversionPercent, medians.ConversionPercent)));
        }

        var productResults = products.Select(p =>
        {
            var mine = settled.Where(v => v.ProductId == p.Id).ToList();
            long views = mine.Sum(v => v.Views), clicks = mine.Sum(v => v.ProductClicks), orders = mine.Sum(v => v.Orders);
            return new ProductResult(p.Id, p.Name, p.Status, mine.Count, views, clicks, orders, mine.Sum(v => v.CommissionEur), p.EarningPerSaleEur,
                views > 0 ? Math.Round((decimal)clicks / views * 100m, 2) : null, clicks > 0 ? Math.Round((decimal)orders / clicks * 100m, 2) : null);
        }).ToList();

        var findings = Findings(settled, medians, styles, productResults, french);
        return new CreatorInsightsView(videos.Count, settled.Count, settleDays, medians, points, styles, productResults, findings);
    }

    private static List<Finding> Findings(List<Video> settled, Medians medians, List<HookStyleResult> styles, List<ProductResult> products, bool french)
    {
        var findings = new List<Finding>();
        string T(string fr, string en) => french ? fr : en;
        foreach (var s in styles.Where(s => s.Videos >= MinVideosPerStyle).OrderBy(s => s.RetentionVsMedian ?? 0))
        {
            if (s.RetentionVsMedian is { } gap && Math.Abs(gap) >= NotableGapPercent)
            {
                findings.Add(gap < 0
                    ? new Finding("retention", "fix", s.PlaybookId, T(
                        $"Tes hooks « {s.Label} » gardent les spectateurs {P(-gap)} % moins longtemps que ta médiane ({P(s.RetentionPercent)} % de la vidéo regardée en moyenne contre {P(medians.RetentionPercent)} %, sur {s.Videos} vidéos) : retravaille ce type d'ouverture ou teste-en un autre.",
                        $"Your \"{s.Label}\" hooks keep viewers {P(-gap)}% less time than your median ({P(s.RetentionPercent)}% of the video watched on average vs {P(medians.RetentionPercent)}%, over {s.Videos} videos): rework this kind of opening or test another."))
                    : new Finding("retention", "keep", s.PlaybookId, T(
                        $"Tes hooks « {s.Label} » gardent les spectateurs {P(gap)} % plus longtemps que ta médiane ({P(s.RetentionPercent)} % contre {P(medians.RetentionPercent)} %, sur {s.Videos} vidéos) : refais-en, avec une seule variable qui change.",
                        $"Your \"{s.Label}\" hooks keep viewers {P(gap)}% longer than your median ({P(s.RetentionPercent)}% vs {P(medians.RetentionPercent)}%, over {s.Videos} videos): make more, changing one thing at a time.")));
            }
            if (s.ClickThroughVsMedian is { } ctrGap && ctrGap <= -NotableGapPercent)
            {
                findings.Add(new Finding("click-through", "fix", "analytics-ctr-conversion", T(
                    $"Après un hook « {s.Label} », {P(s.ClickThroughPercent)} % des vues cliquent sur le produit, contre {P(medians.ClickThroughPercent)} % en médiane ({P(-ctrGap)} % de moins) : montre le produit plus tôt dans ces vidéos.",
                    $"After a \"{s.Label}\" hook, {P(s.ClickThroughPercent)}% of views click the product, vs {P(medians.ClickThroughPercent)}% at your median ({P(-ctrGap)}% fewer): show the product earlier in these videos.")));
            }
        }
        if (medians.RetentionPercent is { } retention && retention < LowRetentionPercent)
        {
            findings.Add(new Finding("retention", "fix", "analytics-retention-watch-time", T(
                $"En médiane, tes vidéos sont regardées {P(retention)} % de leur durée. Le repère des playbooks : une vidéo de 30 s regardée 8 s en moyenne (27 %) doit être raccourcie ou rythmée.",
                $"At your median, viewers watch {P(retention)}% of a video's length. The playbooks' yardstick: a 30-second video watched for 8 seconds on average (27%) needs trimming or better pacing.")));
        }
        var lowCtr = settled.Where(v => v.Views >= 1_000 && v.ClickThroughPercent is { } c && c <= LowClickThroughPercent).ToList();
        if (lowCtr.Count > 0)
        {
            findings.Add(new Finding("click-through", "fix", "analytics-ctr-conversion", T(
                $"{lowCtr.Count} de tes vidéos ont au plus {P(LowClickThroughPercent)} % de clics produit pour plus de 1 000 vues (ta médiane : {P(medians.ClickThroughPercent)} %) : le produit apparaît trop tard ou sans appel à l'action.",
                $"{lowCtr.Count} of your videos have at most {P(LowClickThroughPercent)}% product clicks for over 1,000 views (your median: {P(medians.ClickThroughPercent)}%): the product shows up too late or without a call to action.")));
        }
        foreach (var p in products.Where(p => p.ProductClicks >= ConversionMinClicks && p.ConversionPercent < LowConversionPercent))
        {
            findings.Add(new Finding("conversion", "fix", "analytics-ctr-conversion", T(
                $"« {p.Name} » : {p.ProductClicks} clics mais {p.Orders} commandes ({P(p.ConversionPercent)} %) : vérifie le prix, les avis et que la fiche correspond à la vidéo.",
                $"\"{p.Name}\": {p.ProductClicks} clicks but {p.Orders} orders ({P(p.ConversionPercent)}%): check the price, the reviews and that the listing matches the video.")));
        }
        foreach (var p in products.Where(p => p.Videos >= StoppingRuleVideos && p.ProductClicks == 0 && p.Status != ProductStatuses.Dropped))
        {
            findings.Add(new Finding("product", "fix", "analytics-ab-test-iterate", T(
                $"« {p.Name} » : {p.Videos} vidéos sans un seul clic. La règle d'arrêt des playbooks : après 4 à 5 vidéos dans des formats différents, mets-le de côté.",
                $"\"{p.Name}\": {p.Videos} videos without a single click. The playbooks' stopping rule: after 4-5 videos in different formats, shelve it.")));
        }
        if (settled.Count >= 5 && settled.MaxBy(v => (v.CommissionEur, v.ClickThroughPercent ?? 0)) is { } best && (best.CommissionEur > 0 || best.ProductClicks > 0))
        {
            var label = HookStyles.All.FirstOrDefault(h => h.Id == best.HookStyle)?.Label(french);
            findings.Add(new Finding("iterate", "keep", "analytics-ab-test-iterate", T(
                $"Ta meilleure vidéo (du {best.PostedOn:dd/MM/yyyy}{(label is null ? "" : $", hook « {label} »")}) : {best.Views} vues, {P(best.ClickThroughPercent)} % de clics, {best.CommissionEur.ToString("0.00", CultureInfo.InvariantCulture)} € de commission. Refais-la cette semaine avec une nouvelle phrase d'ouverture.",
                $"Your best video ({best.PostedOn:yyyy-MM-dd}{(label is null ? "" : $", \"{label}\" hook")}): {best.Views} views, {P(best.ClickThroughPercent)}% clicks, €{best.CommissionEur.ToString("0.00", CultureInfo.InvariantCulture)} commission. Remake it this week with a new opening line.")));
        }
        return findings;
    }

    public static Medians MediansOf(IReadOnlyCollection<Video> videos)
    {
        ArgumentNullException.ThrowIfNull(videos);
        var viewsTotal = videos.Sum(v => v.Views);
        return new Medians(
            Median(videos.Select(v => v.RetentionPercent)),
            Median(videos.Select(v => v.CompletionPercent)),
            Median(videos.Select(v => v.ClickThroughPercent)),
            Median(videos.Select(v => v.ConversionPercent)),
            Median(videos.Where(v => v.Views > 0).Select(v => (decimal?)Math.Round(v.CommissionEur / v.Views * 1000m, 2))));
    }

    public static decimal? Median(IEnumerable<decimal?> values)
    {
        var sorted = values.OfType<decimal>().Order().ToList();
        if (sorted.Count == 0) return null;
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : Math.Round((sorted[mid - 1] + sorted[mid]) / 2m, 2);
    }

    /// <summary>How far <paramref name="value"/> is from <paramref name="median"/>, in % of the median.</summary>
    private static decimal? Gap(decimal? value, decimal? median) =>
        value is { } v && median is { } m && m > 0 ? Math.Round((v - m) / m * 100m, 0) : null;

    private static string P(decimal? value) => value is { } v ? v.ToString(v >= 10 || v == Math.Floor(v) ? "0" : "0.##", CultureInfo.InvariantCulture) : "—";
}
