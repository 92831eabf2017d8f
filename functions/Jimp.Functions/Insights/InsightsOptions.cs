using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Insights;

/// <summary>The weekly aggregate insights (section <c>Insights</c>).</summary>
public sealed class InsightsOptions
{
    public const string Section = "Insights";

    /// <summary>The smallest group the policy allows to be published (section 4: "moins de 10 personnes").</summary>
    public const int PolicyMinimumGroupSize = 10;

    /// <summary>Groups of fewer people than this are left out of the results. It can be raised, never set below the policy's 10.</summary>
    [Range(PolicyMinimumGroupSize, 10_000)]
    public int MinimumGroupSize { get; set; } = PolicyMinimumGroupSize;

    /// <summary>How many finished weeks back a run looks for weeks not computed yet (a timer that missed runs catches up).</summary>
    [Range(1, 52)]
    public int CatchUpWeeks { get; set; } = 8;
}
