using System.Globalization;
using System.Text;

namespace Jimp.Functions.Coaching;

/// <summary>
/// Turns French or English text into search terms: case and accent folding, ligatures, elisions, stop-word
/// removal and a light stemmer per language (plurals and a few common suffixes). Deterministic and cheap.
/// </summary>
internal static class TextAnalyzer
{
    public static List<string> Terms(string text, string language)
    {
        var french = !string.Equals(language, "en", StringComparison.Ordinal);
        var stopWords = french ? FrenchStopWords : EnglishStopWords;
        var terms = new List<string>();
        foreach (var word in Words(Fold(text)))
        {
            if (stopWords.Contains(word) || (word.Length == 1 && !char.IsAsciiDigit(word[0])))
            {
                continue;
            }
            terms.Add(french ? StemFrench(word) : StemEnglish(word));
        }
        return terms;
    }

    /// <summary>Words that carry no topic in a creator's question (added to Lucene's stop sets too).</summary>
    public static IEnumerable<string> ExtraStopWords(string language) =>
        string.Equals(language, "en", StringComparison.Ordinal) ? EnglishStopWords : FrenchStopWords;

    /// <summary>Lower case, accents removed (é→e), ligatures expanded (œ→oe).</summary>
    public static string Fold(string text)
    {
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            switch (c)
            {
                case 'œ': builder.Append("oe"); break;
                case 'æ': builder.Append("ae"); break;
                case 'ß': builder.Append("ss"); break;
                default:
                    if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.ToString();
    }

    private static IEnumerable<string> Words(string folded)
    {
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var inWord = i < folded.Length && (char.IsAsciiLetterOrDigit(folded[i]));
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                yield return folded[start..i];
                start = -1;
            }
        }
    }

    internal static string StemFrench(string word)
    {
        var w = word;
        if (w.Length > 4 && w.EndsWith("aux", StringComparison.Ordinal))
        {
            w = w[..^3] + "al";
        }
        else if (w.Length > 3 && (w[^1] == 's' || w[^1] == 'x') && w[^2] != 's')
        {
            w = w[..^1];
        }
        foreach (var suffix in FrenchSuffixes)
        {
            if (w.Length - suffix.Length >= 4 && w.EndsWith(suffix, StringComparison.Ordinal))
            {
                w = w[..^suffix.Length];
                break;
            }
        }
        if (w.Length > 4 && (w.EndsWith("er", StringComparison.Ordinal) || w.EndsWith("ez", StringComparison.Ordinal)))
        {
            w = w[..^2];
        }
        else if (w.Length > 3 && w[^1] == 'e')
        {
            w = w[..^1];
        }
        if (w.Length > 3 && w[^1] == 'e')
        {
            w = w[..^1]; // "filmee" → "film"
        }
        return w;
    }

    internal static string StemEnglish(string word)
    {
        var w = word;
        if (w.Length > 4 && w.EndsWith("ies", StringComparison.Ordinal))
        {
            w = w[..^3] + "y";
        }
        else if (w.Length > 4 && w.EndsWith("sses", StringComparison.Ordinal))
        {
            w = w[..^2];
        }
        else if (w.Length > 3 && w[^1] == 's' && w[^2] is not ('s' or 'u' or 'i'))
        {
            w = w[..^1];
        }
        foreach (var suffix in EnglishSuffixes)
        {
            if (w.Length - suffix.Length >= 3 && w.EndsWith(suffix, StringComparison.Ordinal))
            {
                w = w[..^suffix.Length];
                if (suffix is "ing" or "ed" && w.Length > 3 && w[^1] == w[^2] && w[^1] is not ('l' or 's' or 'z'))
                {
                    w = w[..^1]; // "getting" → "get"
                }
                break;
            }
        }
        if (w.Length > 3 && w[^1] == 'e')
        {
            w = w[..^1];
        }
        return w;
    }

    private static readonly string[] FrenchSuffixes =
        ["issements", "issement", "ements", "ement", "ations", "ation", "itions", "ition", "atrice", "ateur", "euses", "euse", "ances", "ance", "ences", "ence", "iques", "ique", "ismes", "isme", "istes", "iste", "ables", "able", "ibles", "ible", "ites", "ite", "eurs", "eur", "ees", "ee"];

    private static readonly string[] EnglishSuffixes = ["ational", "ation", "ness", "ment", "ings", "ing", "ed", "ly", "er"];

    private static readonly HashSet<string> FrenchStopWords = new(StringComparer.Ordinal)
    {
        "le", "la", "les", "un", "une", "des", "du", "de", "au", "aux", "et", "ou", "en", "ce", "cet", "cette", "ces",
        "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "nos", "votre", "vos", "leur", "leurs",
        "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "me", "te", "se", "moi", "toi", "lui",
        "qui", "que", "qu", "quoi", "dont", "ou", "est", "es", "suis", "sont", "etre", "ai", "as", "avons", "avez", "ont",
        "avoir", "pour", "par", "sur", "dans", "avec", "sans", "pas", "ne", "plus", "tres", "bien", "comme", "mais",
        "donc", "car", "si", "comment", "quel", "quelle", "quels", "quelles", "ca", "cela", "ceci", "tout", "tous",
        "toute", "toutes", "peut", "peux", "veux", "veut", "faut", "dois", "doit", "faire", "fais", "fait", "y", "c",
        "d", "j", "l", "m", "n", "s", "t", "a", "alors", "aussi", "encore", "deja", "tiktok", "svp", "merci", "stp",
        "vraiment", "quoi", "truc", "trucs", "chose", "choses", "mettre", "mets", "met",
    };

    private static readonly HashSet<string> EnglishStopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "at", "by", "from", "is", "are", "was",
        "were", "be", "been", "being", "am", "do", "does", "did", "i", "me", "my", "we", "our", "you", "your", "he",
        "she", "it", "its", "they", "them", "their", "this", "that", "these", "those", "what", "which", "who",
        "how", "can", "could", "should", "would", "will", "may", "might", "must", "have", "has", "had", "not", "so",
        "if", "then", "than", "too", "very", "just", "about", "into", "up", "out", "get", "there", "here", "any",
        "some", "as", "all", "more", "most", "other", "such", "only", "own", "same", "im", "ive", "s", "t", "m", "don",
        "tiktok", "please", "thanks", "really", "thing", "things", "make", "put", "give", "want", "need", "does",
    };
}
