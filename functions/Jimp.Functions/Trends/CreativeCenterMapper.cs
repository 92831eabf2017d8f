using System.Globalization;
using System.Text.Json;

namespace Jimp.Functions.Trends;

/// <summary>
/// Turns Creative Center list items into <see cref="TrendSnapshotItem"/>s, reading only the fields worth
/// keeping. Nothing else is copied: <c>creators</c>, nick names, avatars, user ids, song authors, video URLs
/// and covers never leave this class. Items without a usable name are skipped.
/// </summary>
public static class CreativeCenterMapper
{
    /// <param name="kind">One of <see cref="TrendKinds.All"/>.</param>
    /// <param name="item">One element of the list.</param>
    /// <param name="position">1-based position across pages (the rank when the list has none).</param>
    public static TrendSnapshotItem? Map(string kind, JsonElement item, int position)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var mapped = kind switch
        {
            TrendKinds.Hashtags => Build(String(item, "hashtag_name"), Int(item, "rank") ?? position,
                metric: Long(item, "publish_cnt"), views: Long(item, "video_views"), category: Label(item, "industry_info"),
                rankDiff: Int(item, "rank_diff"), rankDiffType: Int(item, "rank_diff_type")),
            TrendKinds.Songs => IsCreatorSound(String(item, "title")) ? null : Build(String(item, "title"), Int(item, "rank") ?? position,
                metric: null, views: null, category: null, rankDiff: Int(item, "rank_diff"), rankDiffType: Int(item, "rank_diff_type")),
            TrendKinds.Products => Build(String(item, "url_title"), position,
                metric: Long(item, "post"), views: Long(item, "impression"), category: Label(item, "first_ecom_category"),
                rankDiff: null, rankDiffType: null),
            TrendKinds.Keywords => Build(String(item, "keyword"), position,
                metric: Long(item, "post"), views: Long(item, "impression"), category: null, rankDiff: null, rankDiffType: null),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown trend kind."),
        };
        return mapped;
    }

    /// <summary>"original sound - somebody": the title of a creator's own sound names the creator.</summary>
    private static bool IsCreatorSound(string? title) =>
        title is not null && (title.StartsWith("original sound", StringComparison.OrdinalIgnoreCase)
                              || title.StartsWith("son original", StringComparison.OrdinalIgnoreCase)
                              || title.StartsWith("suono originale", StringComparison.OrdinalIgnoreCase)
                              || title.StartsWith("sonido original", StringComparison.OrdinalIgnoreCase)
                              || title.StartsWith("Originalton", StringComparison.OrdinalIgnoreCase));

    private static TrendSnapshotItem? Build(string? name, int rank, long? metric, long? views, string? category, int? rankDiff, int? rankDiffType)
    {
        name = name?.Trim().TrimStart('#').Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || rank < 1)
        {
            return null;
        }
        return new TrendSnapshotItem(rank, name, metric, views, category, rankDiff, rankDiffType);
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Long(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            JsonValueKind.Number when v.TryGetDouble(out var d) && double.IsFinite(d) => (long)Math.Round(d),
            JsonValueKind.String when long.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }

    private static int? Int(JsonElement item, string name) =>
        Long(item, name) is { } n && n is >= int.MinValue and <= int.MaxValue ? (int)n : null;

    /// <summary>The name in an <c>{id, value, label}</c> object: its value (the label when there is no value).</summary>
    private static string? Label(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Object) return null;
        return String(v, "value") is { Length: > 0 } value ? value : String(v, "label");
    }
}
