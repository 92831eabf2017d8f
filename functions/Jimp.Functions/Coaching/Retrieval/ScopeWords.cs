using System.Text.RegularExpressions;

namespace Jimp.Functions.Coaching.Retrieval;

/// <summary>How strongly a message names the coach's domain (TikTok Shop affiliate work).</summary>
public enum ScopeEvidence
{
    /// <summary>No word of a creator's work: only a very confident match is taken as in scope.</summary>
    None,

    /// <summary>Words every domain shares with the coach's (product, sell, film, live, a niche's name).</summary>
    Weak,

    /// <summary>Words of a creator's work (views, hook, script, showcase, commission, editing, lighting…).</summary>
    Strong,
}

/// <summary>
/// Word lists for out-of-scope detection, matched on folded text. The domain's own vocabulary (what a creator's
/// messages are made of: the playbooks' keywords, grouped by how specific they are to the domain) is a closed list
/// and generalises; the "other domain" list (code, weather, recipes, job letters…) is open-ended and only holds words
/// seen in the evaluation's dev part, so it only vetoes a match that names nothing specific to TikTok Shop. The
/// thresholds per level of evidence are in <see cref="KnowledgeResult.InScope"/>; the test part measures how far
/// all of this generalises (docs/coaching/retrieval.md).
/// </summary>
public static partial class ScopeWords
{
    public static (ScopeEvidence Evidence, bool Core, bool OtherDomain) Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextAnalyzer.Fold(text);
        var evidence = Strong().IsMatch(folded) ? ScopeEvidence.Strong : Weak().IsMatch(folded) ? ScopeEvidence.Weak : ScopeEvidence.None;
        return (evidence, Core().IsMatch(folded), OtherDomain().IsMatch(folded));
    }

    /// <summary>Words that only TikTok Shop affiliate work uses: they overrule an "other domain" word.</summary>
    [GeneratedRegex(@"\b(tiktok|tik tok|shop|affili\w*|commissions?|abonne\w*|followers?|ugc|vitrine|showcase|createur\w*|creators?|niches?|hooks?|vues|views)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Core();

    [GeneratedRegex("""
        \b(tiktok|tik\ tok|tt\ shop|shop|affili\w*|commissions?|abonne\w*|followers?|hooks?|accroches?|vitrine|showcase|echantillons?|samples?
        |collabs?|collaborations?|partenariats?|ugc|niches?|createur\w*|creators?|influenc\w*|vues|views|viewers?|spectateurs?|algo\w*|scroll\w*|swip\w*
        |stitch\w*|duos?|duets?|storytime|unboxing|try.?on|haul|avant.?apres|before.?after|listicle|sponso\w*|publicite|pub|ads?|mention|disclos\w*
        |(je\ peux|on\ peut|j.ai\ le\ droit\ de|can\ i|am\ i\ allowed\ to)\ (dire|ecrire|mettre|say|claim|write)|percer
        |ctr|gmv|taux\ de\ \w+|\w+\ rate|retention|visionnage|watch\ time|completion|conversion|panier|cart
        |lives|(un|mon|ton|mes|tes|my|a|your|first|premier|1er)\ lives?|live\ shopping|replay|montage|editing|sous.titres?|captions?|b.?roll
        |trepied|tripod|ring.?light|micro\w*|mic|audio|son|eclairage|lumiere|lighting|cadrage|framing|face\ cam\w*|voix\ off|voice.?over
        |script\w*|format\w*|series?|episodes?|compte|account|bio|contenus?|content|videos?|vids?|tournages?|filmer|filming|poster|publier|posting
        |frequence|calendrier|haters?|commentaires?|comments|communaute|community|audience|marques?|brands?|vendeurs?|sellers?|clients?|acheteurs?
        |buyers?|clics?|clicks?|commandes?|orders?|ventes?|sales?|revenus?|income|earn\w*|gagner|stats?|statistiques|analytics|allegations?|claims?
        |loi|dgccrf|urssaf|siret)\b
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Strong();

    [GeneratedRegex(@"\b(maquillage|makeup|beaute|beauty|skincare|mode|fashion|vetements?|clothes|cuisine|kitchen|maison|deco|sport|fitness|animaux|pets?|bebe|baby|tech|high.tech|complements?|supplements?|produits?|products?|items?|vend\w*|sell\w*|film\w*|post\w*|publi\w*|live|stream\w*|promo\w*|argent|money|noel|christmas|black friday|soldes|fete des meres|saint valentin|rentree|commenc\w*|debut\w*|start\w*|beginn\w*|jusqu.a la fin|jusqu.au bout|decroch\w*|duree|longueur|length|how long)\b", RegexOptions.CultureInvariant)]
    private static partial Regex Weak();

    [GeneratedRegex(@"\b(python|bash|javascript|sql|code|coder|fonction|function|meteo|weather|recettes?|recipes?|bake|bread|crepes?|capitale|capital|coupe du monde|world cup|relativite|einstein|forfait|tradui\w*|translat\w*|workout plan|lettre de motivation|cover letter|candidature|job interview|entretien d.embauche)\b", RegexOptions.CultureInvariant)]
    private static partial Regex OtherDomain();
}
