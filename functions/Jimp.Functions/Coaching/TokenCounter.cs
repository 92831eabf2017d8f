using Microsoft.ML.Tokenizers;

namespace Jimp.Functions.Coaching;

/// <summary>Counts and cuts text in o200k tokens (GPT-4o's tokenizer; the vocabulary ships in a package, no download).</summary>
public sealed class TokenCounter
{
    /// <summary>What each chat message costs on top of its text, and what the reply priming costs.</summary>
    public const int PerMessageOverhead = 4;
    public const int ReplyPriming = 3;

    // The vocabulary is immutable and large (~200k entries): load it once per process.
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));

    private readonly Tokenizer tokenizer = O200k.Value;

    public int Count(string text) => string.IsNullOrEmpty(text) ? 0 : tokenizer.CountTokens(text);

    /// <summary>The text itself when it fits in <paramref name="maxTokens"/>, else its beginning followed by "…".</summary>
    public string Truncate(string text, int maxTokens) => Truncate(text, maxTokens, out _);

    /// <summary>Like <see cref="Truncate(string, int)"/>, also giving the result's token count.</summary>
    public string Truncate(string text, int maxTokens, out int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        count = Count(text);
        if (count <= maxTokens)
        {
            return text;
        }
        var index = tokenizer.GetIndexByTokenCount(text, Math.Max(0, maxTokens - 2), out _, out _);
        var cut = text[..index] + "…";
        count = Count(cut);
        return cut;
    }
}
