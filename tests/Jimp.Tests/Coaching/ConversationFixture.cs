using System.Text;
using Jimp.Functions.Coaching;
using TrendKinds = Jimp.Functions.Trends.TrendKinds;

namespace Jimp.Tests.Coaching;

/// <summary>Deterministic conversations of realistic length (user messages 40 to 4,000 characters, replies up to 4,000).</summary>
internal static class ConversationFixture
{
    private static readonly string[] Words =
        ("comment je peux trouver un bon produit pour ma vitrine TikTok Shop sans dépenser trop en échantillons, "
        + "mes vidéos font 300 vues et personne ne clique sur le panier orange, est-ce que le hook est trop long ? "
        + "I tried a before and after with the new lamp and the retention dropped at second four, what should I change "
        + "la commission est de 12 % sur un produit à 24 € et je vise 300 € par mois avec deux lives par semaine").Split(' ');

    public static string Text(Random random, int length, string marker = "")
    {
        var text = new StringBuilder(marker);
        var sentence = 0;
        while (text.Length < length)
        {
            text.Append(Words[random.Next(Words.Length)]);
            sentence++;
            text.Append(sentence % 14 == 0 ? ". " : " ");
        }
        return text.ToString(0, length).TrimEnd();
    }

    /// <summary><paramref name="turns"/> messages alternating user/assistant, starting with the user.</summary>
    public static List<ChatTurn> Conversation(int turns, int seed = 7, string marker = "")
    {
        var random = new Random(seed);
        int[] userLengths = [40, 120, 300, 800, 4000];
        int[] assistantLengths = [600, 1500, 3000, 4000];
        var start = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero);
        return Enumerable.Range(0, turns).Select(i => i % 2 == 0
            ? new ChatTurn(ChatTurn.User, Text(random, userLengths[random.Next(userLengths.Length)], marker), start.AddMinutes(i))
            : new ChatTurn(ChatTurn.Assistant, Text(random, assistantLengths[random.Next(assistantLengths.Length)]), start.AddMinutes(i))).ToList();
    }

    public static PinnedTrends Trends(CoachProfile profile) => new(new DateOnly(2026, 11, 28), profile.Country, [.. profile.Niches],
    [
        new TrendItem(TrendKinds.Hashtags, "skincareroutine", 1, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), 1_200_000, "views"),
        new TrendItem(TrendKinds.Songs, "Un son qui monte", 2, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), 5400, "posts"),
        new TrendItem(TrendKinds.Products, "Organiseur de tiroir", 3, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
        new TrendItem(TrendKinds.Keywords, "routine du soir", 4, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
    ]);
}
