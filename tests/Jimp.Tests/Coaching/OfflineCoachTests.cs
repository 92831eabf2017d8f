using Jimp.Functions.Coaching;

namespace Jimp.Tests.Coaching;

public sealed class OfflineCoachTests
{
    private static readonly OfflineCoach Coach = new(KnowledgeBase.LoadEmbedded());

    private static readonly TrendItem[] Trends =
    [
        new(TrendKinds.Hashtag, "skincareroutine", 1, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), 1_200_000, "views"),
        new(TrendKinds.Song, "Un son qui monte", 2, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
        new(TrendKinds.Keyword, "routine du soir", 3, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
        new(TrendKinds.Product, "Quatrième tendance", 4, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
    ];

    [Fact]
    public void Answer_starts_with_the_offline_label_in_the_users_language()
    {
        Assert.StartsWith("*Coach hors ligne* —", Coach.Answer(CoachHarness.Profile(), "c'est quoi un bon hook", []).Text, StringComparison.Ordinal);
        Assert.StartsWith("*Offline coach* —", Coach.Answer(CoachHarness.Profile("en"), "what makes a good hook", []).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProfileOptions.StepByStep, "**Étapes**\n1. ")]
    [InlineData(ProfileOptions.Examples, "**Exemples**\n- ")]
    [InlineData(ProfileOptions.QuickTips, "**Astuces rapides**\n- ")]
    [InlineData(ProfileOptions.Scripts, "**Script à filmer**\n> [HOOK]")]
    public void Answer_follows_the_learning_style(string style, string expected)
    {
        var answer = Coach.Answer(CoachHarness.Profile(style: style, level: ProfileOptions.Intermediate), "comment faire une review honnête d'un produit reçu", []);
        Assert.Contains(expected, answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Beginners_get_the_beginner_note_first_and_advanced_creators_the_advanced_insight()
    {
        const string question = "tips for my first TikTok live";
        var beginnerAnswer = Coach.Answer(CoachHarness.Profile("en", level: ProfileOptions.Beginner), question, []);
        var advancedAnswer = Coach.Answer(CoachHarness.Profile("en", level: ProfileOptions.Advanced), question, []);
        var (beginner, advanced) = (beginnerAnswer.Text, advancedAnswer.Text);
        var entry = beginnerAnswer.Sources[0].En;

        Assert.Equal(beginnerAnswer.Sources[0], advancedAnswer.Sources[0]);
        Assert.Contains("### " + entry.Title, beginner, StringComparison.Ordinal);
        Assert.True(beginner.IndexOf("> " + entry.Beginner, StringComparison.Ordinal) is > 0 and var note && note < beginner.IndexOf(entry.Summary, StringComparison.Ordinal));
        Assert.DoesNotContain(entry.Advanced, beginner, StringComparison.Ordinal);
        Assert.Contains(entry.Advanced, advanced, StringComparison.Ordinal);
        Assert.DoesNotContain(entry.Beginner, advanced, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_cites_the_entries_it_used_by_title()
    {
        var answer = Coach.Answer(CoachHarness.Profile(), "je fais mon premier live demain, des conseils ?", []);
        Assert.NotEmpty(answer.Sources);
        Assert.Contains("*Sources : fiches JIMP", answer.Text, StringComparison.Ordinal);
        Assert.All(answer.Sources, s => Assert.Contains($"« {s.Fr.Title} »", answer.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Answer_names_at_most_three_supplied_trends_with_their_date()
    {
        var text = Coach.Answer(CoachHarness.Profile(), "quels produits mettre en avant avant noel", Trends).Text;
        Assert.Contains("**Tendances du 2026-11-27 (TikTok Creative Center, FR)** : #skincareroutine, « Un son qui monte » (son), « routine du soir » (mot-clé)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Quatrième tendance", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_trends_the_answer_says_it_has_no_trend_data_and_names_none()
    {
        var fr = Coach.Answer(CoachHarness.Profile(), "quels produits mettre en avant avant noel", []).Text;
        var en = Coach.Answer(CoachHarness.Profile("en"), "which products should I push before christmas", []).Text;
        Assert.Contains("Je n'ai pas de données de tendances", fr, StringComparison.Ordinal);
        Assert.DoesNotContain("Tendances du", fr, StringComparison.Ordinal);
        Assert.DoesNotMatch("#[A-Za-z0-9]", fr); // no hashtag (the "###" heading is Markdown)
        Assert.Contains("I have no trend data", en, StringComparison.Ordinal);
    }

    [Fact]
    public void A_question_with_no_match_gets_an_honest_answer_without_sources()
    {
        var answer = Coach.Answer(CoachHarness.Profile(), "zzzz qwxv", []);
        Assert.Empty(answer.Sources);
        Assert.Contains("Je n'ai pas trouvé de fiche", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Answers_are_deterministic()
    {
        var profile = CoachHarness.Profile(style: ProfileOptions.Scripts);
        Assert.Equal(Coach.Answer(profile, "un exemple de script pour présenter un ustensile de cuisine", Trends).Text,
            Coach.Answer(profile, "un exemple de script pour présenter un ustensile de cuisine", Trends).Text);
    }

    [Fact]
    public async Task Streamed_chunks_add_up_to_the_answer()
    {
        var profile = CoachHarness.Profile();
        var answer = Coach.Answer(profile, "comment lire la courbe de rétention dans les stats", Trends).Text;
        var chunks = new List<string>();
        await foreach (var chunk in Coach.StreamAsync(profile, "comment lire la courbe de rétention dans les stats", Trends))
        {
            chunks.Add(chunk);
        }
        Assert.True(chunks.Count > 5);
        Assert.Equal(answer, string.Concat(chunks));
    }

    [Fact]
    public void Niche_and_level_boost_prefer_the_users_niche_entry()
    {
        var kb = KnowledgeBase.LoadEmbedded();
        var hits = kb.Search("des idées de contenu pour mon compte", "fr", ["pets"], ProfileOptions.Beginner, max: 3);
        Assert.Contains(hits, h => h.Entry.Id == "niche-pets");
    }

    [Fact]
    public void Analyzer_folds_accents_and_case_and_stems_plurals()
    {
        Assert.Equal(TextAnalyzer.Terms("Vidéo ÉCHANTILLON", "fr"), TextAnalyzer.Terms("videos echantillons", "fr"));
        Assert.Equal(TextAnalyzer.Terms("filming lights", "en"), TextAnalyzer.Terms("film light", "en"));
        Assert.Empty(TextAnalyzer.Terms("le la les de des et", "fr"));
    }
}
