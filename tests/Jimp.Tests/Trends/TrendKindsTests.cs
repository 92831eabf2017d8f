using System.Text.Json;
using System.Text.RegularExpressions;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Trends;
using Jimp.Tests.Support;

namespace Jimp.Tests.Trends;

/// <summary>One list of trend kinds for the API, the stored snapshots, the coach and the workspace (#18 item 3).</summary>
public sealed partial class TrendKindsTests
{
    [Fact]
    public void The_trend_kinds_are_defined_once()
    {
        var functions = Path.Combine(TestAzurite.RepositoryRoot, "functions");
        var definitions = Directory.GetFiles(functions, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => KindsClass().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(functions, f).Replace('\\', '/'))
            .ToList();
        Assert.Equal(["Jimp.Functions/Trends/TrendKinds.cs"], definitions);
    }

    [Fact]
    public void The_coach_names_trends_by_the_kinds_the_api_uses()
    {
        Assert.Equal("#glowup", OfflineCoach.TrendLabel(Item(TrendKinds.Hashtags, "glowup"), fr: true));
        Assert.Equal("« Un son » (son)", OfflineCoach.TrendLabel(Item(TrendKinds.Songs, "Un son"), fr: true));
        Assert.Equal("Gua sha (product)", OfflineCoach.TrendLabel(Item(TrendKinds.Products, "Gua sha"), fr: false));
        Assert.Equal("“routine” (keyword)", OfflineCoach.TrendLabel(Item(TrendKinds.Keywords, "routine"), fr: false));
    }

    [Fact]
    public void Trends_pinned_to_a_conversation_with_the_old_singular_kinds_are_read_with_the_one_list()
    {
        // As ConversationStore stored the day's trends before the coach's own singular kinds were removed.
        const string stored = """{"day":"2026-12-01","country":"FR","niches":["beauty"],"items":[{"kind":"hashtag","name":"glowup","rank":1,"country":"FR","periodDays":7,"fetchedAt":"2026-12-01T06:00:00+00:00"},{"kind":"song","name":"Un son","rank":2,"country":"FR","periodDays":7,"fetchedAt":"2026-12-01T06:00:00+00:00"}]}""";
        var pinned = JsonSerializer.Deserialize<PinnedTrends>(stored, RequestJson.Options)!;

        Assert.Equal([TrendKinds.Hashtags, TrendKinds.Songs], pinned.Items.Select(i => i.Kind));
        Assert.Equal("#glowup", OfflineCoach.TrendLabel(pinned.Items[0], fr: true));
        Assert.All(TrendKinds.All, k => Assert.Equal(k, TrendKinds.Normalize(k)));
    }

    private static TrendItem Item(string kind, string name) => new(kind, name, 1, "FR", 7, new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));

    [GeneratedRegex(@"\bclass\s+TrendKinds\b")]
    private static partial Regex KindsClass();
}
