using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Fr;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Snowball;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Tartarus.Snowball.Ext;
using LuceneVersion = Lucene.Net.Util.LuceneVersion;

namespace Jimp.Functions.Coaching.Retrieval;

/// <summary>Turns French or English text into search terms (the same analysis for the playbooks and the question).</summary>
public interface ITermAnalyzer
{
    string Name { get; }

    IReadOnlyList<string> Terms(string text, string language);
}

/// <summary>
/// The analyzers compared on the evaluation's dev part (figures in docs/coaching/retrieval.md). All of them first
/// rewrite creators' slang and abbreviations with <see cref="CreatorLexicon"/>; they differ in tokenising and stemming.
/// </summary>
public static class TermAnalyzers
{
    /// <summary>The hand-written rules JIMP had before (accent folding, stop words, a light suffix stemmer).</summary>
    public static ITermAnalyzer HandRules { get; } = new HandRulesAnalyzer();

    /// <summary>Lucene.Net: standard tokenizer, elisions, stop words, ASCII folding, French light stemmer / English Porter stemmer.</summary>
    public static ITermAnalyzer LuceneLight { get; } = new LuceneAnalyzer("lucene-light", french: s => new FrenchLightStemFilter(s), english: s => new PorterStemFilter(s));

    /// <summary>Lucene.Net with the Snowball French and English stemmers.</summary>
    public static ITermAnalyzer LuceneSnowball { get; } = new LuceneAnalyzer("lucene-snowball", french: s => new SnowballFilter(s, new Lucene.Net.Tartarus.Snowball.Ext.FrenchStemmer()), english: s => new SnowballFilter(s, new EnglishStemmer()));

    /// <summary>Lucene.Net with the minimal (plural-only) stemmers.</summary>
    public static ITermAnalyzer LuceneMinimal { get; } = new LuceneAnalyzer("lucene-minimal", french: s => new FrenchMinimalStemFilter(s), english: s => new EnglishMinimalStemFilter(s));

    /// <summary>The analyzer the coach uses: on the dev part the hand rules measured better than Lucene.Net's (docs/coaching/retrieval.md).</summary>
    public static ITermAnalyzer Default => HandRules;

    public static IReadOnlyList<ITermAnalyzer> All { get; } = [HandRules, LuceneLight, LuceneSnowball, LuceneMinimal];

    private sealed class HandRulesAnalyzer : ITermAnalyzer
    {
        public string Name => "hand-rules";

        public IReadOnlyList<string> Terms(string text, string language) => TextAnalyzer.Terms(CreatorLexicon.Rewrite(text, language), language);
    }

    private sealed class LuceneAnalyzer : ITermAnalyzer
    {
        private static readonly LuceneVersion Version = LuceneVersion.LUCENE_48;
        private readonly Analyzer french;
        private readonly Analyzer english;

        public LuceneAnalyzer(string name, Func<TokenStream, TokenStream> french, Func<TokenStream, TokenStream> english)
        {
            Name = name;
            var frenchStops = Folded(FrenchAnalyzer.DefaultStopSet, TextAnalyzer.ExtraStopWords("fr"));
            var englishStops = Folded(EnglishAnalyzer.DefaultStopSet, TextAnalyzer.ExtraStopWords("en"));
            var elisions = new CharArraySet(Version, ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"], true);
            this.french = Analyzer.NewAnonymous((field, reader) =>
            {
                var source = new StandardTokenizer(Version, reader);
                TokenStream stream = new ElisionFilter(source, elisions);
                stream = new LowerCaseFilter(Version, stream);
                stream = new ASCIIFoldingFilter(stream);
                stream = new StopFilter(Version, stream, frenchStops);
                stream = new LengthFilter(Version, stream, 2, 40);
                return new TokenStreamComponents(source, french(stream));
            });
            this.english = Analyzer.NewAnonymous((field, reader) =>
            {
                var source = new StandardTokenizer(Version, reader);
                TokenStream stream = new EnglishPossessiveFilter(Version, source);
                stream = new LowerCaseFilter(Version, stream);
                stream = new ASCIIFoldingFilter(stream);
                stream = new StopFilter(Version, stream, englishStops);
                stream = new LengthFilter(Version, stream, 2, 40);
                return new TokenStreamComponents(source, english(stream));
            });
        }

        public string Name { get; }

        public IReadOnlyList<string> Terms(string text, string language)
        {
            var analyzer = string.Equals(language, "en", StringComparison.Ordinal) ? english : french;
            var terms = new List<string>();
            // Lucene analyzers are thread-safe (per-thread components); the token stream is not, so one per call.
            using var stream = analyzer.GetTokenStream("text", CreatorLexicon.Rewrite(text, language));
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            while (stream.IncrementToken())
            {
                terms.Add(term.ToString());
            }
            stream.End();
            return terms;
        }

        private static CharArraySet Folded(CharArraySet stops, IEnumerable<string> extra)
        {
            var set = new CharArraySet(Version, 256, true);
            foreach (var word in stops.Select(o => o?.ToString() ?? "").Concat(extra))
            {
                set.Add(TextAnalyzer.Fold(word));
            }
            return set;
        }
    }
}
