using Jimp.Functions.Coaching;
using TrendKinds = Jimp.Functions.Trends.TrendKinds;

namespace Jimp.Tests.Coaching;

public sealed class OfflineCoachTests
{
    private static readonly OfflineCoach Coach = new(KnowledgeBase.LoadEmbedded());

    private static readonly TrendItem[] Trends =
    [
        new(TrendKinds.Hashtags, "skincareroutine", 1, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero), 1_200_000, "views"),
        new(TrendKinds.Songs, "Un son qui monte", 2, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
        new(TrendKinds.Keywords, "routine du soir", 3, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
        new(TrendKinds.Products, "Quatrième tendance", 4, "FR", 7, new DateTimeOffset(2026, 11, 27, 6, 0, 0, TimeSpan.Zero)),
    ];

    [Fact]
    public void Answer_says_it_is_an_automatic_answer_from_the_playbooks_without_generative_ai()
    {
        var fr = Coach.Answer(CoachHarness.Profile(), "c'est quoi un bon hook", []).Text;
        var en = Coach.Answer(CoachHarness.Profile("en"), "what makes a good hook", []).Text;
        Assert.StartsWith("*Réponse automatique* — tirée des fiches conseils de JIMP, sans IA générative.", fr, StringComparison.Ordinal);
        Assert.StartsWith("*Automatic answer* — from JIMP's playbooks, without generative AI.", en, StringComparison.Ordinal);
        Assert.DoesNotContain("modèle d'IA", fr, StringComparison.Ordinal);
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
    public void A_question_with_no_match_gets_what_the_coach_can_help_with_and_a_question_back()
    {
        var answer = Coach.Answer(CoachHarness.Profile(), "zzzz qwxv", []);
        Assert.Empty(answer.Sources);
        Assert.Equal(OfflineAnswerKinds.OutOfScope, answer.Kind);
        Assert.Contains("Je peux t'aider sur : le choix des produits", answer.Text, StringComparison.Ordinal);
        Assert.EndsWith("?", answer.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr", "quelle météo demain à Lille ?")]
    [InlineData("en", "what is the capital of peru")]
    [InlineData("en", "write a python function that sorts a list")]
    public void Out_of_scope_questions_get_no_playbook(string language, string question)
    {
        var answer = Coach.Answer(CoachHarness.Profile(language), question, Trends);
        Assert.Equal(OfflineAnswerKinds.OutOfScope, answer.Kind);
        Assert.Empty(answer.Sources);
        Assert.DoesNotContain("###", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_topic_leads_and_the_users_niche_sheet_joins_second()
    {
        var profile = CoachHarness.Profile(level: ProfileOptions.Intermediate) with { Niches = ["beauty"] };
        var answer = Coach.Answer(profile, "Comment trouver mon premier produit à promouvoir ?", []);
        Assert.Equal(["products-choose-first-product", "niche-beauty"], answer.Sources.Take(2).Select(s => s.Id));
        Assert.Contains("**À voir aussi — Niche beauté", answer.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("comment avoir des echantillons gratos", "products-samples")]
    [InlineData("jsp koi vendre, c koi un produit gagnant", "products-choose-first-product")]
    [InlineData("comment faire un bon hoook", "hooks-first-3-seconds")]
    [InlineData("les gens swipent direct des la premiere seconde", "hooks-first-3-seconds")]
    public void Retrieval_copes_with_slang_abbreviations_typos_and_franglais(string question, string expected)
    {
        var hits = Coach.Knowledge.Search(question, "fr", max: 3);
        Assert.Contains(hits, h => h.Entry.Id == expected);
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
        Assert.True(answer.Length > OfflineCoach.FirstChunkLength + OfflineCoach.ChunkLength, "the answer spans three chunks at least");
        Assert.Equal(answer, string.Concat(chunks));
        // A short first chunk (the first words at once), then long ones: each ends at a space, past its length.
        Assert.InRange(chunks[0].Length, OfflineCoach.FirstChunkLength, OfflineCoach.FirstChunkLength + 40);
        Assert.EndsWith(" ", chunks[0], StringComparison.Ordinal);
        foreach (var chunk in chunks.Skip(1).SkipLast(1))
        {
            Assert.InRange(chunk.Length, OfflineCoach.ChunkLength, OfflineCoach.ChunkLength + 40);
            Assert.EndsWith(" ", chunk, StringComparison.Ordinal);
        }
        Assert.InRange(chunks.Count, 2, 2 + answer.Length / OfflineCoach.ChunkLength);
    }

    [Fact]
    public void A_generic_question_brings_the_users_niche_sheet()
    {
        var kb = KnowledgeBase.LoadEmbedded();
        var hits = kb.Search("des idées de contenu pour mon compte", "fr", ["pets"], ProfileOptions.Beginner, max: 3);
        Assert.Contains(hits, h => h.Entry.Id == "niche-pets");
    }

    [Fact]
    public void Analyzers_fold_accents_and_case_and_stem_plurals()
    {
        foreach (var analyzer in Jimp.Functions.Coaching.Retrieval.TermAnalyzers.All)
        {
            Assert.Equal(analyzer.Terms("Vidéo ÉCHANTILLONS", "fr"), analyzer.Terms("video echantillons", "fr"));
            Assert.Equal(analyzer.Terms("échantillons", "fr"), analyzer.Terms("echantillon", "fr"));
            Assert.Equal(analyzer.Terms("hooks lights", "en"), analyzer.Terms("hook light", "en"));
            Assert.Empty(analyzer.Terms("le la les de des et", "fr"));
        }
        Assert.Equal(TextAnalyzer.Terms("Vidéo ÉCHANTILLON", "fr"), TextAnalyzer.Terms("videos echantillons", "fr"));
        Assert.Equal(TextAnalyzer.Terms("filming lights", "en"), TextAnalyzer.Terms("film light", "en"));
        Assert.Empty(TextAnalyzer.Terms("le la les de des et", "fr"));
    }
}
