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

/// <summary>A rule of a playbook that the creator's own numbers trigger, e.g. "your question hooks keep 30 % fewer viewers than your median".</summary>
public sealed record CreatorFinding(string PlaybookId, string Text);

/// <summary>
/// The creator's own numbers for one turn: a <see cref="GroundingTypes.CreatorData"/> source the model reads as
/// delimited data and cites by id, and the findings the offline coach states.
/// </summary>
public sealed record CreatorData(GroundingSource Source, IReadOnlyList<CreatorFinding> Findings);

/// <summary>Where the coach gets the creator's own numbers (the workspace provides it); null when there are none to use.</summary>
public interface ICreatorDataProvider
{
    Task<CreatorData?> ForAsync(Accounts.SignedInUser user, CancellationToken cancellationToken);
}

/// <summary>
/// The creator's numbers as a conversation last read them (kept in its state row, like the day's trends), so a turn
/// does not pay the workspace's storage requests again within <see cref="ChatService.CreatorDataMinutes"/>.
/// </summary>
public sealed record CreatorPin(DateTimeOffset At, CreatorData? Data);

/// <summary>
/// The copies of the creator's numbers the coach keeps (<see cref="CreatorPin"/> in each conversation's state row).
/// The workspace calls <see cref="ForgetAsync"/> whenever those numbers change or are deleted, so no copy of deleted
/// results outlives them and the next turn reads the new ones.
/// </summary>
public interface ICreatorDataCache
{
    /// <summary>Clears the pinned numbers of every conversation of the user: one query per 1,000 conversations, one batch per 100.</summary>
    Task ForgetAsync(string userId, CancellationToken cancellationToken);
}
