using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Retention;

/// <summary>How long logs are kept (section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>No log entry is older than this many months (see <see cref="LogExpiryService.CutoffFor"/>).</summary>
    [Range(1, 120)]
    public int LogMonths { get; set; } = 12;

    /// <summary>Months without sign-in after which the user is warned by e-mail that the account will be erased.</summary>
    [Range(1, 120)]
    public int InactivityWarningMonths { get; set; } = 23;

    /// <summary>Months without sign-in after which the account is erased (restricted accounts are skipped).</summary>
    [Range(2, 121)]
    public int InactivityErasureMonths { get; set; } = 24;
}
