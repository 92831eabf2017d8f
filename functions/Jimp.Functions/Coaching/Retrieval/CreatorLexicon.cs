using System.Text;
using System.Text.RegularExpressions;

namespace Jimp.Functions.Coaching.Retrieval;

/// <summary>
/// How creators write, rewritten into the words of the playbooks before analysis: texting abbreviations
/// ("jsp", "bcp", "ppl"), slang ("gratos", "taf"), and franglais ("sample", "views") given their French word too.
/// A word list, not rules: add to it when the dev part of the evaluation shows a miss.
/// </summary>
public static partial class CreatorLexicon
{
    private static readonly Dictionary<string, string> French = new(StringComparer.Ordinal)
    {
        ["jsp"] = "je sais pas", ["jsais"] = "je sais", ["chais"] = "je sais",
        ["taf"] = "travail", ["gratos"] = "gratuit", ["grat"] = "gratuit", ["gratuits"] = "gratuit",
        ["collab"] = "collaboration", ["collabs"] = "collaborations", ["koi"] = "quoi", ["kwa"] = "quoi",
        ["pk"] = "pourquoi", ["pq"] = "pourquoi", ["pourkoi"] = "pourquoi", ["bcp"] = "beaucoup",
        ["tel"] = "téléphone", ["tél"] = "téléphone", ["portable"] = "téléphone",
        ["vid"] = "vidéo", ["vids"] = "vidéos", ["vidz"] = "vidéos", ["vdo"] = "vidéo",
        ["abo"] = "abonnés", ["abos"] = "abonnés", ["followers"] = "abonnés", ["follower"] = "abonné",
        ["algo"] = "algorithme", ["qqn"] = "quelqu'un", ["qq"] = "quelques", ["qqs"] = "quelques",
        ["dispo"] = "disponible", ["ds"] = "dans", ["pr"] = "pour", ["tt"] = "tout", ["mm"] = "même",
        ["sample"] = "échantillon", ["samples"] = "échantillons", ["views"] = "vues", ["view"] = "vue",
        ["sales"] = "ventes", ["caption"] = "sous-titres", ["captions"] = "sous-titres", ["showcase"] = "vitrine",
        ["payout"] = "paiement", ["payouts"] = "paiements", ["reach"] = "portée", ["swipe"] = "scroll",
        ["swipent"] = "scroll", ["swipes"] = "scroll", ["scrollent"] = "scroll", ["skip"] = "scroll",
        ["fringues"] = "vêtements", ["sapes"] = "vêtements", ["makeup"] = "maquillage", ["make"] = "maquillage",
        ["skincare"] = "soin peau", ["com"] = "commission", ["comm"] = "commission", ["coms"] = "commentaires",
        ["pub"] = "publicité", ["promo"] = "promotion", ["tuto"] = "tutoriel", ["insta"] = "instagram",
        ["mdr"] = "", ["ptdr"] = "", ["lol"] = "", ["wesh"] = "", ["frr"] = "", ["sah"] = "", ["stp"] = "", ["svp"] = "",
        ["cc"] = "", ["slt"] = "", ["bjr"] = "",
        ["jpeux"] = "je peux", ["jpe"] = "je peux", ["g"] = "j'ai", ["jsuis"] = "je suis", ["chui"] = "je suis", ["jfais"] = "je fais",
    };

    private static readonly Dictionary<string, string> English = new(StringComparer.Ordinal)
    {
        ["u"] = "you", ["ur"] = "your", ["ppl"] = "people", ["pls"] = "please", ["plz"] = "please",
        ["idk"] = "i don't know", ["rn"] = "right now", ["vid"] = "video", ["vids"] = "videos",
        ["subs"] = "followers", ["collab"] = "collaboration", ["collabs"] = "collaborations", ["cuz"] = "because",
        ["bc"] = "because", ["thx"] = "thanks", ["tbh"] = "", ["lol"] = "", ["pic"] = "picture",
        ["algo"] = "algorithm", ["mic"] = "microphone", ["promo"] = "promotion",
        ["swipe"] = "scroll", ["skip"] = "scroll",
    };

    /// <summary>The text with known abbreviations and slang words replaced (other words untouched).</summary>
    public static string Rewrite(string text, string language)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = string.Equals(language, "en", StringComparison.Ordinal) ? English : French;
        return Word().Replace(text, m =>
        {
            var key = m.Value.ToLowerInvariant();
            return words.TryGetValue(key, out var replacement) ? replacement : m.Value;
        });
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
