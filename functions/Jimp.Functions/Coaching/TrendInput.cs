using Jimp.Functions.Trends;

namespace Jimp.Functions.Coaching;

/// <summary>
/// One stored trend, as the Trends feature hands it to the coach. Non-personal by construction: no creator
/// names or avatars (the Trends feature drops them before storage).
/// </summary>
/// <param name="Kind">One of <see cref="TrendKinds.All"/> (the Trends feature's kinds; a singular kind stored before they
/// were one list, in a conversation's pinned trends, is read as its plural).</param>
/// <param name="Name">The hashtag (with or without '#'), song title, product name or keyword.</param>
/// <param name="Rank">1 = top.</param>
/// <param name="Country">ISO 3166-1 alpha-2 of the ranking.</param>
/// <param name="PeriodDays">The ranking window (7, 30, 120 days).</param>
/// <param name="FetchedAt">When the ranking was fetched (UTC); its date is what the coach quotes.</param>
/// <param name="Metric">A popularity figure, when the source gives one.</param>
/// <param name="MetricName">What <paramref name="Metric"/> counts: <c>views</c>, <c>posts</c>, <c>sales</c>…</param>
/// <param name="NicheId">The niche the ranking was fetched for, if any.</param>
/// <param name="Source">Where it comes from, as shown to the user.</param>
public sealed record TrendItem(
    string Kind,
    string Name,
    int Rank,
    string Country,
    int PeriodDays,
    DateTimeOffset FetchedAt,
    long? Metric = null,
    string? MetricName = null,
    string? NicheId = null,
    string Source = "TikTok Creative Center")
{
    public string Kind { get; init; } = TrendKinds.Normalize(Kind);

    public DateOnly Date => DateOnly.FromDateTime(FetchedAt.UtcDateTime);
}

/// <summary>Reads the stored trends. The coach only ever mentions what this returns.</summary>
public interface ITrendReader
{
    /// <summary>The top trends for a country and the user's niches, best first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<TrendItem>> TopForAsync(string country, IReadOnlyList<string> nicheIds, int max, CancellationToken cancellationToken);
}

/// <summary>The default reader until the Trends feature registers its own: there is no trend data.</summary>
public sealed class NoTrends : ITrendReader
{
    public Task<IReadOnlyList<TrendItem>> TopForAsync(string country, IReadOnlyList<string> nicheIds, int max, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TrendItem>>([]);
}

/// <summary>
/// The trends a conversation uses, pinned for one day so the prompt prefix stays byte-identical from turn to
/// turn (prompt caching): the first turn of a day reads <see cref="ITrendReader"/>, the final update of the
/// turn returns the snapshot, and the caller hands it back in the next <see cref="CoachRequest"/>.
/// </summary>
public sealed record PinnedTrends(DateOnly Day, string Country, IReadOnlyList<string> Niches, IReadOnlyList<TrendItem> Items)
{
    public bool Fits(DateOnly day, CoachProfile profile) =>
        Day == day
        && string.Equals(Country, profile.Country, StringComparison.Ordinal)
        && Niches.SequenceEqual(profile.Niches, StringComparer.Ordinal);
}
