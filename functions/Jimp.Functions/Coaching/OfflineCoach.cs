using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Jimp.Functions.Coaching.Retrieval;
using Jimp.Functions.Trends;

namespace Jimp.Functions.Coaching;

/// <summary>What kind of answer the offline coach gave.</summary>
public static class OfflineAnswerKinds
{
    /// <summary>Built from playbooks (listed in <see cref="OfflineAnswer.Sources"/>).</summary>
    public const string Playbook = "playbook";

    /// <summary>The question matched no playbook well enough: what the coach can help with, and a question back.</summary>
    public const string OutOfScope = "out-of-scope";

    /// <summary>The message tried to change the coach's instructions: declined, no playbook.</summary>
    public const string Injection = "injection";
}

/// <summary>An offline answer and the playbook entries it was built from.</summary>
public sealed record OfflineAnswer(string Text, IReadOnlyList<PlaybookEntry> Sources, string Kind = OfflineAnswerKinds.Playbook)
{
    /// <summary>The creator's own numbers, when the answer states the findings they trigger.</summary>
    public GroundingSource? Creator { get; init; }
}

/// <summary>
/// The built-in coach: no model, no network, no generative AI. It finds the playbooks that match the question (the
/// same retrieval that grounds the model) and composes a deterministic Markdown answer in the user's language,
/// shaped by their learning style and level, naming the entries it used and only the trends it was given. Below the
/// retrieval's confidence threshold it says what it can help with and asks a question back; it declines messages
/// that try to change its instructions. It is the default and the fallback when the model fails.
/// </summary>
public sealed class OfflineCoach(KnowledgeBase knowledge)
{
    public const int MaxTrendsShown = 3;
    public const int MaxSources = 3;
    private const double RelatedThreshold = 0.5;

    public const string HeaderFr = "*Réponse automatique* — tirée des fiches conseils de JIMP, sans IA générative.";
    public const string HeaderEn = "*Automatic answer* — from JIMP's playbooks, without generative AI.";
    /// <summary>
    /// The first chunk is short, so the first words show at once; the rest of the answer, which is all there already
    /// (no model writes it), goes in long chunks: each chunk is one SSE event written and flushed, and at 20
    /// concurrent streams 48-character chunks (about 40 a turn) made the server's CPU the queue the first deltas
    /// waited in.
    /// </summary>
    public const int FirstChunkLength = 48;

    /// <summary>The length of the chunks after the first (see <see cref="FirstChunkLength"/>).</summary>
    public const int ChunkLength = 1024;

    public KnowledgeBase Knowledge { get; } = knowledge;

    /// <summary>Findings of the creator's own numbers stated in one answer, at most.</summary>
    public const int MaxCreatorFindings = 3;

    /// <summary>Topics where the creator's own results say what to change (not shop rules, compliance, commissions…).</summary>
    private static readonly HashSet<string> CreatorDataTopics = new(StringComparer.Ordinal) { "analytics", "hooks", "scripts", "filming", "posting", "growth", "products", "beginner-path" };

    private static readonly string[] OwnWorkWords =
    [
        "mes vidéos", "mes videos", "mes résultats", "mes resultats", "mes chiffres", "mes stats", "mes statistiques", "mes hooks",
        "my videos", "my results", "my numbers", "my stats", "my analytics", "my hooks",
    ];

    /// <summary>
    /// In scope for the coach: a playbook answers it, or it asks about the creator's own work ("mes vidéos", "my
    /// results"…) from a creator whose numbers trigger findings, which then answer it. The thresholds of
    /// <see cref="KnowledgeResult.InScope"/> alone would decline "qu'est-ce que je dois changer dans mes vidéos ?",
    /// a question about nothing else than the creator's numbers.
    /// </summary>
    public static bool InScope(KnowledgeResult result, string question, CreatorData? creator)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(question);
        return result.InScope()
            || (creator is { Findings.Count: > 0 } && result.Hits.Count > 0 && !result.OtherDomain && AboutOwnWork(question));
    }

    private static bool AboutOwnWork(string question) => OwnWorkWords.Any(w => question.Contains(w, StringComparison.OrdinalIgnoreCase));

    public OfflineAnswer Answer(CoachProfile profile, string question, IReadOnlyList<TrendItem> trends, CreatorData? creator = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(trends);
        var fr = profile.IsFrench;
        var lang = fr ? "fr" : "en";
        var text = new StringBuilder(fr ? HeaderFr : HeaderEn).Append("\n\n");
        if (InjectionGuard.IsAttempt(question))
        {
            text.Append(fr ? DeclineInjectionFr : DeclineInjectionEn);
            return new OfflineAnswer(text.ToString(), [], OfflineAnswerKinds.Injection);
        }
        var result = Knowledge.Retrieve(question, lang, profile.Niches, profile.Experience, MaxSources);
        if (!InScope(result, question, creator))
        {
            text.Append(fr ? OutOfScopeFr : OutOfScopeEn);
            return new OfflineAnswer(text.ToString(), [], OfflineAnswerKinds.OutOfScope);
        }
        var hits = result.Hits;
        var sources = new List<PlaybookEntry>();
        var main = hits[0].Entry;
        var usedCreator = creator is { Findings.Count: > 0 } && (CreatorDataTopics.Contains(main.Topic) || AboutOwnWork(question))
            ? creator
            : null;
        if (usedCreator is not null)
        {
            AppendCreator(text, usedCreator, fr);
        }
        sources.Add(main);
        AppendMain(text, main.In(lang), profile, fr);
        foreach (var hit in hits.Skip(1))
        {
            var joinedSheet = hit.Entry.Topic == "niche" && hit.Entry.Niches.Any(n => profile.Niches.Contains(n, StringComparer.Ordinal));
            if (!joinedSheet && hit.Score < RelatedThreshold * hits[0].Score)
            {
                continue;
            }
            sources.Add(hit.Entry);
            var content = hit.Entry.In(lang);
            text.Append(CultureInfo.InvariantCulture, $"**{(fr ? "À voir aussi" : "See also")} — {content.Title}** : {FirstSentence(content.Summary)}\n\n");
        }

        AppendTrends(text, trends, fr);
        if (sources.Count > 0)
        {
            var titles = string.Join(fr ? " ; " : "; ", sources.Select(s => fr ? $"« {s.In(lang).Title} »" : $"“{s.In(lang).Title}”"));
            var own = usedCreator is null ? "" : fr ? $"tes chiffres (« {usedCreator.Source.Title} ») ; " : $"your numbers (“{usedCreator.Source.Title}”); ";
            text.Append(CultureInfo.InvariantCulture, $"\n\n*{(fr ? "Sources : " : "Sources: ")}{own}{(fr ? "fiches JIMP" : "JIMP playbooks")} {titles}.*");
        }
        return new OfflineAnswer(text.ToString(), sources) { Creator = usedCreator?.Source };
    }

    /// <summary>The playbook rules the creator's own numbers trigger, those that say what to fix first.</summary>
    private static void AppendCreator(StringBuilder text, CreatorData creator, bool fr)
    {
        text.Append(fr ? "**D'après tes chiffres** (ton espace créateur) :\n" : "**From your numbers** (your creator workspace):\n");
        foreach (var finding in creator.Findings.Take(MaxCreatorFindings))
        {
            var line = new string(finding.Text.Take(300).Select(c => char.IsControl(c) || c is '*' or '_' or '`' or '[' or ']' or '<' or '>' or '|' ? ' ' : c).ToArray()).Trim();
            text.Append("- ").Append(line).Append('\n');
        }
        text.Append('\n');
    }

    internal const string OutOfScopeFr =
        "Je ne suis pas sûr que ta question concerne ton activité TikTok Shop : je ne réponds qu'à partir des fiches conseils de JIMP, et aucune ne correspond. Je peux t'aider sur : le choix des produits, les hooks, les scripts, le tournage et le montage, le rythme de publication, les lives, les règles de TikTok Shop, les commissions, la mention « Publicité » et les statistiques.\n\nSur quoi travailles-tu en ce moment : trouver un produit, écrire une vidéo, préparer un live, ou comprendre tes statistiques ?";

    internal const string OutOfScopeEn =
        "I'm not sure your question is about your TikTok Shop activity: I only answer from JIMP's playbooks, and none of them fits. I can help with: choosing products, hooks, scripts, filming and editing, posting rhythm, lives, TikTok Shop rules, commissions, ad disclosure and analytics.\n\nWhat are you working on right now: finding a product, writing a video, preparing a live, or understanding your analytics?";

    internal const string DeclineInjectionFr =
        "Je ne peux pas changer mes consignes ni les afficher. Je suis là pour t'aider sur ton activité TikTok Shop : produits, vidéos, lives, statistiques. Quelle est ta question ?";

    internal const string DeclineInjectionEn =
        "I can't change or show my instructions. I'm here to help with your TikTok Shop activity: products, videos, lives, analytics. What's your question?";

    /// <summary>The answer in chunks, the way a model streams it.</summary>
    public IAsyncEnumerable<string> StreamAsync(CoachProfile profile, string question, IReadOnlyList<TrendItem> trends, CancellationToken cancellationToken = default) =>
        Chunk(Answer(profile, question, trends).Text, cancellationToken);

    /// <summary>
    /// Splits a text into chunks at spaces, a short first one and then long ones (the concatenation is the text,
    /// byte for byte).
    /// </summary>
    public static async IAsyncEnumerable<string> Chunk(string text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        while (start < text.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = Math.Min(text.Length, start + (start == 0 ? FirstChunkLength : ChunkLength));
            if (end < text.Length)
            {
                var space = text.IndexOf(' ', end);
                end = space < 0 ? text.Length : space + 1;
            }
            yield return text[start..end];
            start = end;
            await Task.Yield();
        }
    }

    private static void AppendMain(StringBuilder text, PlaybookContent content, CoachProfile profile, bool fr)
    {
        text.Append(CultureInfo.InvariantCulture, $"### {content.Title}\n\n");
        if (profile.Experience == ProfileOptions.Beginner)
        {
            text.Append(CultureInfo.InvariantCulture, $"> {content.Beginner}\n\n");
        }
        text.Append(content.Summary).Append("\n\n");
        switch (profile.LearningStyle)
        {
            case ProfileOptions.Examples:
                text.Append(fr ? "**Exemples**\n" : "**Examples**\n");
                AppendBullets(text, content.Examples);
                break;
            case ProfileOptions.QuickTips:
                text.Append(fr ? "**Astuces rapides**\n" : "**Quick tips**\n");
                AppendBullets(text, content.Tips);
                break;
            case ProfileOptions.Scripts:
                text.Append(fr ? "**Script à filmer**\n" : "**Script to film**\n");
                foreach (var line in content.Script.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    text.Append("> ").Append(line).Append("  \n");
                }
                text.Append('\n');
                break;
            default:
                text.Append(fr ? "**Étapes**\n" : "**Steps**\n");
                for (var i = 0; i < content.Steps.Count; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{i + 1}. {content.Steps[i]}\n");
                }
                text.Append('\n');
                break;
        }
        if (profile.Experience == ProfileOptions.Advanced)
        {
            text.Append(CultureInfo.InvariantCulture, $"**{(fr ? "Pour aller plus loin" : "Going further")}** : {content.Advanced}\n\n");
        }
    }

    private static void AppendBullets(StringBuilder text, IReadOnlyList<string> items)
    {
        foreach (var item in items)
        {
            text.Append("- ").Append(item).Append('\n');
        }
        text.Append('\n');
    }

    private static void AppendTrends(StringBuilder text, IReadOnlyList<TrendItem> trends, bool fr)
    {
        var shown = trends.Take(MaxTrendsShown).ToList();
        if (shown.Count == 0)
        {
            text.Append(fr
                ? "*Je n'ai pas de données de tendances pour ta niche et ton pays en ce moment : je n'en cite donc aucune.*"
                : "*I have no trend data for your niche and country right now, so I am not naming any trends.*");
            return;
        }
        var groups = shown.GroupBy(t => (t.Date, t.Source, t.Country)).Select(g =>
            string.Create(CultureInfo.InvariantCulture,
                $"**{(fr ? "Tendances du" : "Trends of")} {g.Key.Date:yyyy-MM-dd} ({g.Key.Source}, {g.Key.Country})**{(fr ? " :" : ":")} {string.Join(", ", g.Select(t => TrendLabel(t, fr)))}"));
        text.Append(string.Join("\n", groups));
    }

    /// <summary>How a trend is named to the user: <c>#hashtag</c>, <c>« song » (son)</c>…</summary>
    public static string TrendLabel(TrendItem trend, bool fr)
    {
        ArgumentNullException.ThrowIfNull(trend);
        var name = Clean(trend.Name);
        return trend.Kind switch
        {
            TrendKinds.Hashtags => name.StartsWith('#') ? name : "#" + name,
            TrendKinds.Songs => fr ? $"« {name} » (son)" : $"“{name}” (sound)",
            TrendKinds.Products => fr ? $"{name} (produit)" : $"{name} (product)",
            _ => fr ? $"« {name} » (mot-clé)" : $"“{name}” (keyword)",
        };
    }

    /// <summary>Third-party text on one line, without Markdown control characters, at most 80 characters.</summary>
    internal static string Clean(string value)
    {
        var builder = new StringBuilder(Math.Min(value.Length, 80));
        foreach (var c in value)
        {
            if (builder.Length >= 80) break;
            builder.Append(char.IsControl(c) || c is '*' or '_' or '`' or '[' or ']' or '<' or '>' or '|' ? ' ' : c);
        }
        return builder.ToString().Trim();
    }

    private static string FirstSentence(string text)
    {
        var end = text.IndexOfAny(['.', '!', '?']);
        return end < 0 ? text : text[..(end + 1)];
    }
}
