using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Trends;

/// <summary>Where trend data comes from (section <c>Trends</c>). An empty BaseUrl is a normal state: no trends.</summary>
public sealed class TrendsOptions : IValidatableObject
{
    public const string Section = "Trends";

    public Uri? BaseUrl { get; set; }

    /// <summary>Request headers (the site's session headers or a wrapper's API key); values come from configuration only.</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    // The lists start empty and get their defaults after binding (AddTrends): the configuration binder appends
    // to an array that already has items, so a default of ["FR"] plus a setting of ["DE"] would give both.

    /// <summary>Countries fetched and served (ISO alpha-2); default <c>FR</c>.</summary>
    public string[] Countries { get; set; } = [];

    /// <summary>Periods in days (7, 30, 120); default 7. The first one is what the coach and the API read by default.</summary>
    public int[] Periods { get; set; } = [];

    /// <summary>Kinds fetched and served; default all four.</summary>
    public string[] Kinds { get; set; } = [];

    internal void ApplyDefaults()
    {
        if (Countries.Length == 0) Countries = ["FR"];
        if (Periods.Length == 0) Periods = [7];
        if (Kinds.Length == 0) Kinds = [.. TrendKinds.All];
        Countries = Countries.Distinct(StringComparer.Ordinal).ToArray();
        Periods = Periods.Distinct().ToArray();
        Kinds = Kinds.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Items kept per snapshot (pages are fetched until the list ends or this many items).</summary>
    [Range(1, 500)]
    public int MaxItems { get; set; } = 100;

    /// <summary>Items kept per industry snapshot (hashtags and keywords of each niche's industry); 0 turns them off.</summary>
    [Range(0, 500)]
    public int MaxItemsPerIndustry { get; set; } = 20;

    /// <summary>Upper bound on pages per snapshot, whatever <c>has_more</c> says.</summary>
    [Range(1, 50)]
    public int MaxPages { get; set; } = 10;

    /// <summary>Time allowed to one HTTP attempt.</summary>
    /// <summary>The largest page body read (real pages are tens of KiB); a larger one is a failure, <c>too-large</c>.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 2 * 1024 * 1024;

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time allowed to one page, retries included.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after a 429, a 5xx, a 408 or a timeout (never after any other answer).</summary>
    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base delay between retries (exponential with jitter; a Retry-After header wins).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsConfigured => BaseUrl is not null;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseUrl is { IsAbsoluteUri: false } || BaseUrl is { Query.Length: > 0 })
        {
            yield return new ValidationResult("Trends:BaseUrl must be an absolute URL without a query string (secrets go in Trends:Headers).", [nameof(BaseUrl)]);
        }
        foreach (var kind in Kinds.Where(k => !TrendKinds.IsKnown(k)))
        {
            yield return new ValidationResult($"Trends:Kinds has '{kind}'; known kinds are {string.Join(", ", TrendKinds.All)}.", [nameof(Kinds)]);
        }
        foreach (var country in Countries.Where(c => c is not { Length: 2 } || !c.All(char.IsAsciiLetterUpper)))
        {
            yield return new ValidationResult($"Trends:Countries has '{country}'; use ISO 3166 alpha-2 codes in capitals (FR).", [nameof(Countries)]);
        }
        foreach (var period in Periods.Where(p => p is not (7 or 30 or 120)))
        {
            yield return new ValidationResult($"Trends:Periods has {period}; the Creative Center knows 7, 30 and 120 days.", [nameof(Periods)]);
        }
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || TotalTimeout < AttemptTimeout)
        {
            yield return new ValidationResult("Trends:AttemptTimeout must be at least 10 ms and Trends:TotalTimeout at least as long.", [nameof(AttemptTimeout)]);
        }
    }
}
