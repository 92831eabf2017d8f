using System.Text.Json;
using System.Text.Json.Serialization;

namespace Jimp.Functions.Coaching;

/// <summary>One language's text of a playbook entry (see docs/coaching/knowledge-base.md).</summary>
public sealed record PlaybookContent(
    string Title,
    IReadOnlyList<string> Keywords,
    string Summary,
    IReadOnlyList<string> Steps,
    IReadOnlyList<string> Examples,
    IReadOnlyList<string> Tips,
    string Script,
    string Advanced,
    string Beginner);

public sealed record PlaybookEntry(
    string Id,
    string Topic,
    IReadOnlyList<string> Niches,
    IReadOnlyList<string> Levels,
    PlaybookContent Fr,
    PlaybookContent En)
{
    public PlaybookContent In(string language) => string.Equals(language, "en", StringComparison.Ordinal) ? En : Fr;
}

public sealed record KnowledgeHit(PlaybookEntry Entry, double Score);

/// <summary>
/// The offline coach's curated playbooks (an embedded resource) and a BM25F index over them, one per language:
/// title and keywords boosted, summary and steps plain; a small boost for the user's niches and level.
/// </summary>
public sealed class KnowledgeBase
{
    private const double K1 = 1.2;
    private const double B = 0.75;
    private const double NicheBoost = 1.3;
    private const double LevelBoost = 1.05;
    private const double OtherLevelPenalty = 0.85;
    private const double OtherLanguageWeight = 0.25;
    private const double NicheWordsWeight = 0.5;

    private static readonly (Func<PlaybookContent, IEnumerable<string>> Text, double Weight)[] Fields =
    [
        (c => [c.Title], 3.0),
        (c => c.Keywords, 2.5),
        (c => [c.Summary], 1.0),
        (c => c.Steps, 0.7),
    ];

    private readonly Dictionary<string, LanguageIndex> indexes;

    public KnowledgeBase(IReadOnlyList<PlaybookEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        indexes = new(StringComparer.Ordinal)
        {
            ["fr"] = new LanguageIndex(entries, "fr"),
            ["en"] = new LanguageIndex(entries, "en"),
        };
    }

    public IReadOnlyList<PlaybookEntry> Entries { get; }

    /// <summary>Loads the embedded <c>Coaching/Knowledge/playbooks.json</c>.</summary>
    public static KnowledgeBase LoadEmbedded()
    {
        using var stream = typeof(KnowledgeBase).Assembly.GetManifestResourceStream("Jimp.Coaching.playbooks.json")
            ?? throw new InvalidOperationException("The playbooks resource is missing from the assembly.");
        var file = JsonSerializer.Deserialize(stream, KnowledgeJson.Default.PlaybookFile)
            ?? throw new InvalidOperationException("The playbooks resource is empty.");
        return new KnowledgeBase(file.Entries);
    }

    /// <summary>
    /// The entries that best answer <paramref name="query"/>, best first. The query is matched in
    /// <paramref name="language"/> and, at a lower weight, in the other language (a French creator may write
    /// "how to hook"); entries for the user's niches and level get a small boost. Only entries that match a
    /// word of the query are returned.
    /// </summary>
    public IReadOnlyList<KnowledgeHit> Search(string query, string language, IReadOnlyList<string>? niches = null, string? level = null, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(query);
        var primary = string.Equals(language, "en", StringComparison.Ordinal) ? "en" : "fr";
        var other = primary == "fr" ? "en" : "fr";
        var scores = indexes[primary].Score(TextAnalyzer.Terms(query, primary));
        var secondary = indexes[other].Score(TextAnalyzer.Terms(query, other));
        // Personalisation: the user's niche names act as extra, lighter query words.
        var nicheWords = string.Join(" ", (niches ?? []).Select(Niches.Find).OfType<Niche>().Select(n => primary == "fr" ? n.LabelFr : n.LabelEn));
        var nicheScores = indexes[primary].Score(TextAnalyzer.Terms(nicheWords, primary));
        var anyMatch = scores.Any(s => s > 0) || secondary.Any(s => s > 0);
        var hits = new List<KnowledgeHit>();
        for (var i = 0; i < Entries.Count; i++)
        {
            var entry = Entries[i];
            var forUsersNiche = niches is { Count: > 0 } && entry.Niches.Any(n => niches.Contains(n, StringComparer.Ordinal));
            var score = scores[i] + OtherLanguageWeight * secondary[i];
            // An entry must match the question, except the user's own niche entries once the question matches anything.
            if (score <= 0 && !(anyMatch && forUsersNiche))
            {
                continue;
            }
            score += NicheWordsWeight * nicheScores[i];
            if (forUsersNiche)
            {
                score *= NicheBoost;
            }
            if (level is not null)
            {
                score *= entry.Levels.Contains(level, StringComparer.Ordinal) ? LevelBoost : OtherLevelPenalty;
            }
            hits.Add(new KnowledgeHit(entry, score));
        }
        return hits.OrderByDescending(h => h.Score).ThenBy(h => h.Entry.Id, StringComparer.Ordinal).Take(max).ToList();
    }

    private sealed class LanguageIndex
    {
        private readonly List<Dictionary<string, double>> termFrequencies = [];
        private readonly List<double> lengths = [];
        private readonly Dictionary<string, int> documentFrequency = new(StringComparer.Ordinal);
        private readonly double averageLength;

        public LanguageIndex(IReadOnlyList<PlaybookEntry> entries, string language)
        {
            foreach (var entry in entries)
            {
                var content = entry.In(language);
                var tf = new Dictionary<string, double>(StringComparer.Ordinal);
                double length = 0;
                foreach (var (text, weight) in Fields)
                {
                    foreach (var term in text(content).SelectMany(t => TextAnalyzer.Terms(t, language)))
                    {
                        tf[term] = tf.GetValueOrDefault(term) + weight;
                        length += weight;
                    }
                }
                foreach (var term in tf.Keys)
                {
                    documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
                }
                termFrequencies.Add(tf);
                lengths.Add(length);
            }
            averageLength = lengths.Count == 0 ? 1 : lengths.Average();
        }

        public double[] Score(IReadOnlyList<string> queryTerms)
        {
            var scores = new double[termFrequencies.Count];
            var n = termFrequencies.Count;
            foreach (var term in queryTerms.Distinct(StringComparer.Ordinal))
            {
                if (!documentFrequency.TryGetValue(term, out var df))
                {
                    continue;
                }
                var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
                for (var i = 0; i < n; i++)
                {
                    if (termFrequencies[i].TryGetValue(term, out var tf))
                    {
                        scores[i] += idf * (tf * (K1 + 1)) / (tf + (K1 * (1 - B + (B * lengths[i] / averageLength))));
                    }
                }
            }
            return scores;
        }
    }
}

internal sealed record PlaybookFile(int Version, IReadOnlyList<PlaybookEntry> Entries);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PlaybookFile))]
internal sealed partial class KnowledgeJson : JsonSerializerContext;
