namespace Jimp.Functions.Coaching;

/// <summary>The kinds of source an answer can be grounded in and cite.</summary>
public static class GroundingTypes
{
    /// <summary>One of JIMP's curated playbooks (id = the playbook id; the web app opens it in the knowledge base).</summary>
    public const string Playbook = "playbook";

    /// <summary>A stored TikTok trend (third-party data).</summary>
    public const string Trend = "trend";

    /// <summary>The creator's own data (products, video results) once the workspace feeds the coach.</summary>
    public const string CreatorData = "creator-data";
}

/// <summary>
/// One source the coach was given for a turn: what the model reads as delimited data (never as instructions) and
/// what the answer cites. <paramref name="Text"/> is the content sent to the model; it is not stored.
/// </summary>
public sealed record GroundingSource(string Type, string Id, string Title, string Text)
{
    public SourceRef Ref => new(Type, Id, Title);

    public static GroundingSource From(PlaybookEntry entry, string language)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var content = entry.In(language);
        var steps = string.Join("\n", content.Steps.Select((s, i) => $"{i + 1}. {s}"));
        return new GroundingSource(GroundingTypes.Playbook, entry.Id, content.Title, $"{content.Summary}\n{steps}\n{content.Advanced}");
    }
}

/// <summary>A cited source as stored with the answer and shown as a chip: its type, id and title in the user's language.</summary>
public sealed record SourceRef(string Type, string Id, string Title);
