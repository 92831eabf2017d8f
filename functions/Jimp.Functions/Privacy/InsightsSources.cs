namespace Jimp.Functions.Privacy;

/// <summary>
/// A store that keeps something of a person for the aggregate insights (policy section 4 b). Objection (Art. 21)
/// makes it forget that person at once, so no later computation can count what they did before objecting; the
/// weekly run still leaves objectors out (<see cref="RightsService.ExcludedFromInsights"/>) as a second guard.
/// </summary>
public interface IInsightsSource
{
    /// <summary>Deletes the user's rows kept for the insights; returns how many. Safe to run twice; costs what the user has, never a scan of others.</summary>
    Task<int> ForgetAsync(string userId, CancellationToken cancellationToken);
}

public static class InsightsSources
{
    /// <summary>Every insights source forgets the user (the objection's deletion).</summary>
    public static async Task<int> ForgetAsync(this IEnumerable<IInsightsSource> sources, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var deleted = 0;
        foreach (var source in sources)
        {
            deleted += await source.ForgetAsync(userId, cancellationToken);
        }
        return deleted;
    }
}
