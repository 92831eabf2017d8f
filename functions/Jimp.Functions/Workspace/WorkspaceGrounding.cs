using System.Globalization;
using System.Text;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Workspace;

/// <summary>The creator's own numbers as one grounding source for the coach: an id to cite, a title and a short text.</summary>
public sealed record WorkspaceSource(string Id, string Title, string Text, IReadOnlyList<Finding> Findings);

/// <summary>
/// Hands the coach a compact summary of the creator's results (medians, hook styles, the playbooks' rules they
/// trigger), cited as <see cref="SourceId"/> like a playbook. Nothing while processing is restricted, or before
/// any video has settled. Two storage queries (products, videos).
/// </summary>
public sealed class WorkspaceGrounding(WorkspaceStore store, IOptions<WorkspaceOptions> options, TimeProvider clock) : ICreatorDataProvider
{
    public const string SourceId = "workspace-results";

    /// <summary>At most this many characters of text (about 250 tokens), so it fits any prompt budget.</summary>
    public const int MaxChars = 1_000;

    public async Task<WorkspaceSource?> SourceForAsync(SignedInUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Restricted) return null;
        var products = await store.ProductsAsync(user.UserId, cancellationToken);
        var videos = await store.VideosAsync(user.UserId, cancellationToken);
        var french = user.Locale != "en";
        var insights = CreatorInsights.Compute(products, videos, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), options.Value.SettleDays, french);
        return Summarise(insights, french);
    }

    /// <summary>The coach's view: the source to cite, and the findings, those that say what to fix first.</summary>
    public async Task<CreatorData?> ForAsync(SignedInUser user, CancellationToken cancellationToken) =>
        ToCreatorData(await SourceForAsync(user, cancellationToken));

    public static CreatorData? ToCreatorData(WorkspaceSource? source) => source is null
        ? null
        : new CreatorData(
            new GroundingSource(GroundingTypes.CreatorData, source.Id, source.Title, source.Text),
            source.Findings.OrderBy(f => f.Tone == "fix" ? 0 : 1).Select(f => new CreatorFinding(f.PlaybookId, f.Text)).ToList());

    public static WorkspaceSource? Summarise(CreatorInsightsView insights, bool french)
    {
        ArgumentNullException.ThrowIfNull(insights);
        if (insights.Analysed == 0) return null;
        static string P(decimal? v) => v is { } d ? d.ToString("0.##", CultureInfo.InvariantCulture) + " %" : "—";
        var m = insights.Medians;
        var sb = new StringBuilder();
        sb.Append(french
            ? $"{insights.Analysed} vidéos analysées. Médianes : rétention {P(m.RetentionPercent)}, clics produit {P(m.ClickThroughPercent)}, conversion {P(m.ConversionPercent)}."
            : $"{insights.Analysed} videos analysed. Medians: retention {P(m.RetentionPercent)}, product clicks {P(m.ClickThroughPercent)}, conversion {P(m.ConversionPercent)}.");
        foreach (var s in insights.HookStyles.Where(s => s.Videos >= CreatorInsights.MinVideosPerStyle))
        {
            sb.Append(french ? $" Hooks « {s.Label} » ({s.Videos}) : rétention {P(s.RetentionPercent)}" : $" \"{s.Label}\" hooks ({s.Videos}): retention {P(s.RetentionPercent)}");
            if (s.RetentionVsMedian is { } gap) sb.Append(CultureInfo.InvariantCulture, $" ({(gap > 0 ? "+" : "")}{gap} %)");
            sb.Append('.');
        }
        foreach (var f in insights.Findings)
        {
            if (sb.Length + f.Text.Length + 1 > MaxChars) break;
            sb.Append(' ').Append(f.Text);
        }
        var text = sb.Length <= MaxChars ? sb.ToString() : sb.ToString(0, MaxChars - 1) + "…";
        return new WorkspaceSource(SourceId, french ? "Tes chiffres (espace créateur)" : "Your numbers (creator workspace)", text, insights.Findings);
    }
}
