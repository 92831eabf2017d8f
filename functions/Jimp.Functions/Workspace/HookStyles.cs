namespace Jimp.Functions.Workspace;

/// <summary>A category a creator files a video under, named after the playbook that describes it.</summary>
/// <param name="Id">Stable id, stored with the video.</param>
/// <param name="PlaybookId">The playbook entry (Coaching/Knowledge/playbooks.json) that describes it; cited by the coach.</param>
public sealed record WorkspaceCategory(string Id, string PlaybookId, string Fr, string En)
{
    public string Label(bool french) => french ? Fr : En;
}

/// <summary>
/// The hook styles and video formats of the playbooks. The hook styles are the structures the hooks playbooks
/// name ("hooks-first-3-seconds": question, bold statement, result first; "analytics-ab-test-iterate": question,
/// result first, problem; plus the pattern-interrupt, curiosity and before/after playbooks); the formats are the
/// scripts playbooks. A test checks that every playbook id here exists.
/// </summary>
public static class HookStyles
{
    public static IReadOnlyList<WorkspaceCategory> All { get; } =
    [
        new("question", "hooks-question-curiosity", "Question", "Question"),
        new("curiosity", "hooks-question-curiosity", "Curiosité (boucle ouverte)", "Curiosity (open loop)"),
        new("result-first", "hooks-first-3-seconds", "Résultat d'abord", "Result first"),
        new("bold-statement", "hooks-first-3-seconds", "Affirmation choc", "Bold statement"),
        new("problem", "scripts-problem-solution", "Problème", "Problem"),
        new("pattern-interrupt", "hooks-pattern-interrupt", "Pattern interrupt", "Pattern interrupt"),
        new("before-after", "hooks-before-after", "Avant/après", "Before/after"),
    ];

    public static WorkspaceCategory? Find(string? idOrLabel) => Find(All, idOrLabel);

    internal static WorkspaceCategory? Find(IReadOnlyList<WorkspaceCategory> list, string? idOrLabel)
    {
        if (string.IsNullOrWhiteSpace(idOrLabel)) return null;
        var text = idOrLabel.Trim();
        return list.FirstOrDefault(c => string.Equals(c.Id, text, StringComparison.OrdinalIgnoreCase)
            || string.Equals(c.Fr, text, StringComparison.OrdinalIgnoreCase)
            || string.Equals(c.En, text, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The video formats: the scripts playbooks.</summary>
public static class VideoFormats
{
    public static IReadOnlyList<WorkspaceCategory> All { get; } =
    [
        new("problem-solution", "scripts-problem-solution", "Problème → solution", "Problem → solution"),
        new("demo", "scripts-demo", "Démonstration", "Demo"),
        new("comparison", "scripts-comparison", "Comparaison", "Comparison"),
        new("storytime", "scripts-storytime", "Storytime", "Storytime"),
        new("ugc-review", "scripts-ugc-review", "Avis UGC", "UGC review"),
        new("listicle", "scripts-listicle", "Liste (top 3…)", "Listicle (top 3…)"),
    ];

    public static WorkspaceCategory? Find(string? idOrLabel) => HookStyles.Find(All, idOrLabel);
}

/// <summary>Where a product stands for the creator.</summary>
public static class ProductStatuses
{
    public const string Idea = "idea";
    public const string Testing = "testing";
    public const string Promoting = "promoting";
    public const string Dropped = "dropped";

    public static IReadOnlyList<string> All { get; } = [Idea, Testing, Promoting, Dropped];
}
