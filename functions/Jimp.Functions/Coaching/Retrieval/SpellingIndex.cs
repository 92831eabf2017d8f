namespace Jimp.Functions.Coaching.Retrieval;

/// <summary>
/// The known terms of one language's playbooks, found again from a misspelt word: 1 edit allowed up to 6 letters,
/// 2 above, none under 4 (insertions, deletions, substitutions and adjacent swaps: <see cref="EditDistance.Damerau"/>).
/// Closest first, then the term in more playbooks, then the term indexed first.
/// <para>
/// Symmetric deletes (the SymSpell method): every known term is filed under each string it gives with up to two
/// letters deleted. Two words within k edits give a common string with at most k letters deleted from each (a
/// substitution or a swap deletes one letter on both sides, an insertion one on one side), so the strings of the
/// word's own deletions name every candidate, and each candidate is then measured. A turn measures a few candidates
/// instead of every known term (the whole vocabulary, twice a question: perf at 20 concurrent streams put that scan
/// at a fifth of the server's CPU). Nothing of a question is kept: the index is built from the playbooks only.
/// </para>
/// </summary>
internal sealed class SpellingIndex
{
    private const int MaxEdits = 2;

    private readonly Dictionary<string, (int DocumentFrequency, int Order)> known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> byDeletion = new(StringComparer.Ordinal);

    /// <param name="terms">Each known term with the number of playbooks it is in, in the order they were indexed.</param>
    public SpellingIndex(IEnumerable<KeyValuePair<string, int>> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        foreach (var (term, df) in terms)
        {
            if (!known.TryAdd(term, (df, known.Count))) continue;
            foreach (var deleted in Deletions(term, MaxEdits))
            {
                if (!byDeletion.TryGetValue(deleted, out var list)) byDeletion[deleted] = list = [];
                list.Add(term);
            }
        }
    }

    /// <summary>The edits a word of this length may be away from a known term (0 under 4 letters, 1 up to 6, 2 above).</summary>
    public static int AllowedEdits(string term) => term.Length < 4 ? 0 : term.Length <= 6 ? 1 : MaxEdits;

    /// <summary>The known term closest to <paramref name="term"/> within its allowed edits, or null.</summary>
    public string? Closest(string term)
    {
        ArgumentNullException.ThrowIfNull(term);
        var allowed = AllowedEdits(term);
        if (allowed == 0) return null;
        string? best = null;
        (int Distance, int DocumentFrequency, int Order) bestRank = (int.MaxValue, 0, int.MaxValue);
        var measured = new HashSet<string>(StringComparer.Ordinal);
        foreach (var deleted in Deletions(term, allowed))
        {
            if (!byDeletion.TryGetValue(deleted, out var candidates)) continue;
            foreach (var candidate in candidates)
            {
                if (Math.Abs(candidate.Length - term.Length) > allowed || !measured.Add(candidate)) continue;
                var distance = EditDistance.Damerau(term, candidate, allowed);
                if (distance > allowed) continue;
                var (df, order) = known[candidate];
                if (distance < bestRank.Distance
                    || (distance == bestRank.Distance && (df > bestRank.DocumentFrequency || (df == bestRank.DocumentFrequency && order < bestRank.Order))))
                {
                    (best, bestRank) = (candidate, (distance, df, order));
                }
            }
        }
        return best;
    }

    /// <summary>The word itself and every string it gives with 1 to <paramref name="edits"/> letters deleted (each once).</summary>
    private static HashSet<string> Deletions(string word, int edits)
    {
        var all = new HashSet<string>(StringComparer.Ordinal) { word };
        var current = new List<string> { word };
        for (var round = 0; round < edits; round++)
        {
            var next = new List<string>();
            foreach (var w in current)
            {
                for (var i = 0; i < w.Length; i++)
                {
                    var shorter = string.Concat(w.AsSpan(0, i), w.AsSpan(i + 1));
                    if (all.Add(shorter)) next.Add(shorter);
                }
            }
            current = next;
        }
        return all;
    }
}
