using Jimp.Functions.Coaching.Retrieval;

namespace Jimp.Tests.Coaching;

/// <summary>
/// The symmetric-delete spelling index finds the same term as measuring every known term (the scan it replaced):
/// checked on a crowded vocabulary of a five-letter alphabet, where many terms are a few edits apart and ties on
/// distance and playbook count are common, with typos of known terms (1 to 3 edits, swaps among them) and random words.
/// </summary>
public sealed class SpellingIndexTests
{
    [Fact]
    public void Finds_what_a_scan_of_every_known_term_finds_ties_included()
    {
        var random = new Random(20261204);
        var vocabulary = new List<KeyValuePair<string, int>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (vocabulary.Count < 3000)
        {
            var word = Word(random, random.Next(1, 12));
            if (seen.Add(word)) vocabulary.Add(new(word, random.Next(1, 4)));
        }
        var index = new SpellingIndex(vocabulary);

        var queries = new List<string>();
        for (var i = 0; i < 3000; i++) queries.Add(Typo(random, vocabulary[random.Next(vocabulary.Count)].Key, random.Next(1, 4)));
        for (var i = 0; i < 1000; i++) queries.Add(Word(random, random.Next(1, 14)));

        var corrected = 0;
        foreach (var query in queries)
        {
            var expected = Scan(vocabulary, query);
            Assert.Equal(expected, index.Closest(query));
            if (expected is not null && expected != query) corrected++;
        }
        // The check means something: most typos are corrected to some term, and some words find none.
        Assert.InRange(corrected, 1500, queries.Count);
        Assert.Contains(queries, q => Scan(vocabulary, q) is null);
    }

    [Fact]
    public void Short_words_are_never_corrected_and_long_ones_take_two_edits_at_most()
    {
        var index = new SpellingIndex([new("hook", 3), new("commission", 2), new("live", 5)]);
        Assert.Null(index.Closest("liv")); // under 4 letters: as typed
        Assert.Equal("hook", index.Closest("hoko")); // an adjacent swap is one edit
        Assert.Equal("live", index.Closest("lives"));
        Assert.Null(index.Closest("lixes")); // 2 edits for 5 letters
        Assert.Equal("commission", index.Closest("comision")); // 2 deletions for 8 letters
        Assert.Null(index.Closest("comisio"));
    }

    /// <summary>The scan the index replaced: every known term measured, closest first, then more playbooks, then first indexed.</summary>
    private static string? Scan(List<KeyValuePair<string, int>> vocabulary, string term)
    {
        var allowed = SpellingIndex.AllowedEdits(term);
        string? best = null;
        var bestDistance = int.MaxValue;
        var bestDf = 0;
        if (allowed == 0) return null;
        foreach (var (candidate, df) in vocabulary)
        {
            if (Math.Abs(candidate.Length - term.Length) > allowed) continue;
            var distance = EditDistance.Damerau(term, candidate, allowed);
            if (distance <= allowed && (distance < bestDistance || (distance == bestDistance && df > bestDf)))
            {
                (best, bestDistance, bestDf) = (candidate, distance, df);
            }
        }
        return best;
    }

    private static string Word(Random random, int length) => new([.. Enumerable.Range(0, length).Select(_ => (char)('a' + random.Next(5)))]);

    private static string Typo(Random random, string word, int edits)
    {
        var chars = word.ToList();
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count + 1);
            switch (random.Next(4))
            {
                case 0: chars.Insert(at, (char)('a' + random.Next(5))); break;
                case 1 when chars.Count > 1 && at < chars.Count: chars.RemoveAt(at); break;
                case 2 when at < chars.Count: chars[at] = (char)('a' + random.Next(5)); break;
                case 3 when at + 1 < chars.Count: (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]); break;
                default: chars.Insert(at, 'e'); break;
            }
        }
        return new string([.. chars]);
    }
}
