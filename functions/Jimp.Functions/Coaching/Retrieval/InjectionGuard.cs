using System.Text.RegularExpressions;

namespace Jimp.Functions.Coaching.Retrieval;

/// <summary>
/// Recognises messages that try to change the coach's instructions ("ignore your instructions", "print your system
/// prompt", "you are now DAN") in French and English, after accent folding. The offline coach declines them instead
/// of answering with a playbook; the model gets them as ordinary user text under rules that say they change nothing.
/// </summary>
public static partial class InjectionGuard
{
    public static bool IsAttempt(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var folded = TextAnalyzer.Fold(text);
        return Patterns().IsMatch(folded);
    }

    [GeneratedRegex("""
        \b(ignore[rsz]?|oublie[rsz]?|disregard|forget|override|outrepasse[rsz]?|contourne[rsz]?)\b.{0,40}\b(instructions?|consignes?|regles?|rules|prompt|directives?|ce qu.{0,20}dit|everything|tout|(all\s*)?(of\s*)?the\s*above|ci.dessus|ce\s*qui\s*precede)\b
        |\b(system|systeme)\s*(prompt|message)\b|\bprompt\s*(systeme|system)\b|\bmessage\s*systeme\b
        |\b(hidden|cachee?s?|secretes?|secret)\s*(rules|instructions?|consignes?|regles?)\b|\b(rules|instructions?|consignes?|regles?)\s*(hidden|cachee?s?|secretes?)\b
        |\b(developer|developpeur|dev|god|admin)\s*mode\b|\bmode\s*(developpeur|developer|admin|dieu)\b|\bjailbreak|\bdan\b
        |\b(you\s*are\s*now|tu\s*es\s*maintenant|a\s*partir\s*de\s*maintenant\s*tu|from\s*now\s*on\s*(you|answer|respond|reply))\b
        |\b(no|without|aucune?|sans|plus\s*(de|aucune?))\s*(restrictions?|rules|regles?|limites?|filtres?)\b
        |\b(repete[rsz]?|repeat|print|affiche[rsz]?|reveal|revele[rsz]?|montre[rsz]?|show|dump)\b.{0,40}\b(above|au.dessus|prompt|instructions?|consignes?|configuration|verbatim|mot\s*pour\s*mot)\b
        |^\s*(\[?\s*system\s*\]?\s*:|\#{2,}\s*(new|nouvelles?)\s*(instructions?|consignes?|regles?))|\b(nouvelles?|new)\s*(instructions?|consignes?|regles?|rules?)\s*:
        |</?\s*(system|sources?|trends|instructions?)\b
        |\bpretend\b.{0,30}\b(no|without)\b|\bact\s*as\b.{0,20}\b(unrestricted|dan|unfiltered)\b
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Patterns();
}
