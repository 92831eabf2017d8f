using System.Text.RegularExpressions;

namespace Jimp.Functions.Coaching.Retrieval;

/// <summary>
/// Two small word lists for out-of-scope detection, matched on folded text: words of a creator's work (a question
/// that names them is about the coach's domain even when its wording is unusual), and words of other domains that
/// share vocabulary with the playbooks ("script bash", "workout plan"). The second list holds only words seen in
/// the evaluation's dev part; the test part measures how far it generalises.
/// </summary>
public static partial class ScopeWords
{
    public static (bool Creator, bool OtherDomain) Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextAnalyzer.Fold(text);
        return (Creator().IsMatch(folded), OtherDomain().IsMatch(folded));
    }

    [GeneratedRegex(@"\b(tiktok|tik tok|shop|videos?|vids?|produits?|products?|vend\w*|ventes?|sell\w*|sales?|live|lives|abonne\w*|followers?|commissions?|affili\w*|hooks?|vitrine|showcase|echantillons?|samples?|collabs?|collaborations?|ugc|contenus?|content|publi\w*|post\w*|film\w*|tourn\w*|montage|editing|sous.titres?|captions?|vues|views|audience|niches?|createur\w*|creators?|marques?|brands?|vendeurs?|sellers?|clics?|clicks?|panier|cart|commandes?|orders?|stats?|statistiques|analytics|algo\w*|scroll\w*|swip\w*|stitch\w*|duos?|duets?|storytime|pub|publicite|\bads?\b|sponso\w*)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Creator();

    [GeneratedRegex(@"\b(python|bash|javascript|code|coder|fonction|function|meteo|weather|recettes?|recipes?|bake|bread|crepes?|capitale|capital|coupe du monde|world cup|relativite|einstein|forfait|tradui\w*|translat\w*|workout plan)\b", RegexOptions.CultureInvariant)]
    private static partial Regex OtherDomain();
}
