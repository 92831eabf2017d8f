using System.Text.Json;
using System.Text.Json.Serialization;
using Jimp.Functions.Coaching.Retrieval;

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

/// <summary>What one retrieval found: the best entries (best first) and how well the question matched at all.</summary>
/// <param name="Confidence">The best entry's score from the question's own words (no profile boost).</param>
/// <param name="Coverage">The share of the question's terms that some playbook contains (after typo correction).</param>
/// <param name="Anchors">The question's terms that are words of a playbook's title or keywords (the coach's topics).</param>
/// <param name="Evidence">How strongly the question names a creator's work (<see cref="ScopeWords"/>).</param>
/// <param name="CoreWords">The question names something only TikTok Shop work has (TikTok, affiliation, showcase, views…).</param>
/// <param name="OtherDomain">The question names another domain (code, weather, recipes…; from the dev part).</param>
public sealed record KnowledgeResult(IReadOnlyList<KnowledgeHit> Hits, double Confidence, double Coverage, int Anchors, ScopeEvidence Evidence, bool CoreWords, bool OtherDomain)
{
    /// <summary>The confidence a question needs, by how strongly it names a creator's work (tuned on the dev part).</summary>
    public static double ThresholdFor(ScopeEvidence evidence) => evidence switch
    {
        ScopeEvidence.Strong => KnowledgeBase.OutOfScopeThreshold,
        ScopeEvidence.Weak => KnowledgeBase.WeakEvidenceThreshold,
        _ => KnowledgeBase.NoEvidenceThreshold,
    };

    /// <summary>
    /// A playbook answers it: something matched, the question names one of the coach's topics, it is not about
    /// another domain (unless it names something only TikTok Shop work has), and the best match is confident enough
    /// for the evidence the question gives: a question that names no creator's work needs a much stronger match.
    /// </summary>
    public bool InScope() =>
        Hits.Count > 0 && Anchors > 0 && (!OtherDomain || CoreWords) && Confidence >= ThresholdFor(Evidence);
}

/// <summary>
/// The curated playbooks (an embedded resource) and a BM25F index over them, one per language: title and keywords
/// boosted, summary and steps plain. Terms come from an <see cref="ITermAnalyzer"/> (Lucene.Net's French and
/// English analysis by default, after <see cref="CreatorLexicon"/>); a question's unknown words are matched to a
/// playbook word one or two edits away (typos). Ranking is topic first: the user's niche only breaks ties, and the
/// user's niche sheet joins as a second source when the question relates to it.
/// </summary>
public sealed class KnowledgeBase
{
    /// <summary>The confidence a question that names a creator's work needs (tuned on the dev part; docs/coaching/retrieval.md).</summary>
    public const double OutOfScopeThreshold = 4.0;

    /// <summary>The confidence a question needs when it names only words other domains share (product, sell, film, live).</summary>
    public const double WeakEvidenceThreshold = 5.0;

    /// <summary>The confidence a question that names no creator's work needs.</summary>
    public const double NoEvidenceThreshold = 10.0;

    private const double K1 = 1.2;
    private const double B = 0.75;
    private const double NicheTieBreak = 0.05;
    private const double NicheSheetJoins = 0.25;
    private const double LevelBoost = 1.05;
    private const double OtherLevelPenalty = 0.85;
    private const double OtherLanguageWeight = 0.35;
    private const double NicheWordsWeight = 0.5;

    private static readonly (Func<PlaybookContent, IEnumerable<string>> Text, double Weight)[] Fields =
    [
        (c => [c.Title], 3.0),
        (c => c.Keywords, 2.5),
        (c => [c.Summary], 1.0),
        (c => c.Steps, 0.7),
    ];

    private readonly Dictionary<string, LanguageIndex> indexes;

    public KnowledgeBase(IReadOnlyList<PlaybookEntry> entries, ITermAnalyzer? analyzer = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries;
        Analyzer = analyzer ?? TermAnalyzers.Default;
        indexes = new(StringComparer.Ordinal)
        {
            ["fr"] = new LanguageIndex(entries, "fr", Analyzer),
            ["en"] = new LanguageIndex(entries, "en", Analyzer),
        };
    }

    public IReadOnlyList<PlaybookEntry> Entries { get; }

    public ITermAnalyzer Analyzer { get; }

    public PlaybookEntry? Find(string id) => Entries.FirstOrDefault(e => string.Equals(e.Id, id, StringComparison.Ordinal));

    /// <summary>
    /// The embedded <c>Coaching/Knowledge/playbooks.json</c>, indexed. With the default analyzer it is built once per
    /// process and shared: nothing changes it once built (the entries come from the assembly, the indexes are only
    /// read), and building it (about 0.1-0.2 s: two languages' terms and spelling indexes) is then paid once, not by
    /// every host a test process starts.
    /// </summary>
    public static KnowledgeBase LoadEmbedded(ITermAnalyzer? analyzer = null) => analyzer is null ? Embedded.Value : new(LoadEntries(), analyzer);

    private static readonly Lazy<KnowledgeBase> Embedded = new(() => new(LoadEntries()));

    public static IReadOnlyList<PlaybookEntry> LoadEntries()
    {
        using var stream = typeof(KnowledgeBase).Assembly.GetManifestResourceStream("Jimp.Coaching.playbooks.json")
            ?? throw new InvalidOperationException("The playbooks resource is missing from the assembly.");
        var file = JsonSerializer.Deserialize(stream, KnowledgeJson.Default.PlaybookFile)
            ?? throw new InvalidOperationException("The playbooks resource is empty.");
        return file.Entries;
    }

    /// <summary>The entries that best answer <paramref name="query"/>, best first (see <see cref="Retrieve"/>).</summary>
    public IReadOnlyList<KnowledgeHit> Search(string query, string language, IReadOnlyList<string>? niches = null, string? level = null, int max = 3) =>
        Retrieve(query, language, niches, level, max).Hits;

    /// <summary>
    /// The entries that best answer <paramref name="query"/>, best first. The query is matched in
    /// <paramref name="language"/> and, at a lower weight, in the other language (franglais: "comment faire un hook
    /// qui stop le scroll"). Only entries that match a word of the query are returned, plus the user's niche sheet
    /// as a second source once the question matches anything.
    /// </summary>
    public KnowledgeResult Retrieve(string query, string language, IReadOnlyList<string>? niches = null, string? level = null, int max = 3)
    {
        ArgumentNullException.ThrowIfNull(query);
        var primary = string.Equals(language, "en", StringComparison.Ordinal) ? "en" : "fr";
        var other = primary == "fr" ? "en" : "fr";
        var (primaryTerms, known) = indexes[primary].Correct(Analyzer.Terms(query, primary));
        var (otherTerms, _) = indexes[other].Correct(Analyzer.Terms(query, other));
        var scores = indexes[primary].Score(primaryTerms);
        var secondary = indexes[other].Score(otherTerms);
        var nicheIds = niches ?? [];
        // Personalisation: the user's niche names act as extra, lighter query words.
        var nicheWords = string.Join(" ", nicheIds.Select(Niches.Find).OfType<Niche>().Select(n => primary == "fr" ? n.LabelFr : n.LabelEn));
        var nicheScores = indexes[primary].Score(Analyzer.Terms(nicheWords, primary));
        var question = new double[Entries.Count];
        for (var i = 0; i < Entries.Count; i++)
        {
            question[i] = scores[i] + (OtherLanguageWeight * secondary[i]);
        }
        var confidence = question.Length == 0 ? 0 : question.Max();
        var ranked = new List<KnowledgeHit>();
        for (var i = 0; i < Entries.Count; i++)
        {
            if (question[i] <= 0)
            {
                continue;
            }
            var entry = Entries[i];
            var score = question[i] + (NicheWordsWeight * nicheScores[i]);
            if (entry.Niches.Any(n => nicheIds.Contains(n, StringComparer.Ordinal)))
            {
                score += NicheTieBreak * confidence;
            }
            if (level is not null)
            {
                score *= entry.Levels.Contains(level, StringComparer.Ordinal) ? LevelBoost : OtherLevelPenalty;
            }
            ranked.Add(new KnowledgeHit(entry, score));
        }
        var hits = ranked.OrderByDescending(h => h.Score).ThenBy(h => h.Entry.Id, StringComparer.Ordinal).Take(max).ToList();
        // The niche sheet of the user's niche joins second when the question is about anything at all.
        if (hits.Count > 0 && max > 1)
        {
            var sheet = Entries.Select((e, i) => (Entry: e, Index: i))
                .Where(x => x.Entry.Topic == "niche" && x.Entry.Niches.Any(n => nicheIds.Contains(n, StringComparer.Ordinal)))
                .Select(x => (x.Entry, Score: question[x.Index] + (NicheWordsWeight * nicheScores[x.Index])))
                .OrderByDescending(x => x.Score)
                .FirstOrDefault();
            if (sheet.Entry is not null && hits.All(h => h.Entry.Id != sheet.Entry.Id) && sheet.Score >= NicheSheetJoins * hits[0].Score)
            {
                hits.Insert(1, new KnowledgeHit(sheet.Entry, sheet.Score));
                if (hits.Count > max) hits.RemoveAt(hits.Count - 1);
            }
        }
        var coverage = primaryTerms.Count == 0 ? 0 : (double)known / primaryTerms.Count;
        var anchors = primaryTerms.Count(indexes[primary].IsAnchor) + otherTerms.Count(indexes[other].IsAnchor);
        var words = ScopeWords.Of(CreatorLexicon.Rewrite(query, primary)); // the same slang and abbreviations as the terms
        return new KnowledgeResult(hits, confidence, coverage, anchors, words.Evidence, words.Core, words.OtherDomain);
    }

    private sealed class LanguageIndex
    {
        private readonly List<Dictionary<string, double>> termFrequencies = [];
        private readonly List<double> lengths = [];
        private readonly Dictionary<string, int> documentFrequency = new(StringComparer.Ordinal);
        private readonly HashSet<string> anchors = new(StringComparer.Ordinal);
        private readonly double averageLength;
        private readonly SpellingIndex spelling;

        public bool IsAnchor(string term) => anchors.Contains(term);

        public LanguageIndex(IReadOnlyList<PlaybookEntry> entries, string language, ITermAnalyzer analyzer)
        {
            foreach (var entry in entries)
            {
                var content = entry.In(language);
                var tf = new Dictionary<string, double>(StringComparer.Ordinal);
                double length = 0;
                foreach (var (text, weight) in Fields)
                {
                    foreach (var term in text(content).SelectMany(t => analyzer.Terms(t, language)))
                    {
                        tf[term] = tf.GetValueOrDefault(term) + weight;
                        length += weight;
                    }
                }
                anchors.UnionWith(content.Keywords.Append(content.Title).SelectMany(t => analyzer.Terms(t, language)));
                foreach (var term in tf.Keys)
                {
                    documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
                }
                termFrequencies.Add(tf);
                lengths.Add(length);
            }
            averageLength = lengths.Count == 0 ? 1 : lengths.Average();
            spelling = new SpellingIndex(documentFrequency);
        }

        /// <summary>Each unknown term replaced by the closest known one (1 edit up to 6 letters, 2 above: <see cref="SpellingIndex"/>), if any.</summary>
        public (List<string> Terms, int Known) Correct(IReadOnlyList<string> terms)
        {
            var result = new List<string>(terms.Count);
            var known = 0;
            foreach (var term in terms)
            {
                if (documentFrequency.ContainsKey(term))
                {
                    result.Add(term);
                    known++;
                    continue;
                }
                var best = spelling.Closest(term);
                if (best is not null)
                {
                    result.Add(best);
                    known++;
                }
                else
                {
                    result.Add(term);
                }
            }
            return (result, known);
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
