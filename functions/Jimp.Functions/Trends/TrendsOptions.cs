namespace Jimp.Functions.Trends;

/// <summary>Where trend data comes from (section <c>Trends</c>). An empty BaseUrl is a normal state: no trends.</summary>
public sealed class TrendsOptions
{
    public const string Section = "Trends";

    public Uri? BaseUrl { get; set; }

    /// <summary>Request headers (the site's session headers or a wrapper's API key); values come from configuration only.</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public string[] Countries { get; set; } = ["FR"];

    public int[] Periods { get; set; } = [7];

    public string[] Kinds { get; set; } = ["hashtags", "songs", "products", "keywords"];

    public bool IsConfigured => BaseUrl is not null;
}
