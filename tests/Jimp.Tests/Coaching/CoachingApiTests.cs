using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Coaching;

public sealed class CoachingApiTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public static readonly object FrenchProfile = new
    {
        niches = new[] { "beauty", "fashion" },
        nicheDetails = "soins naturels",
        goals = new[] { "first-sale" },
        experience = "beginner",
        learningStyle = "step-by-step",
        country = "FR",
        language = "fr",
    };

    public ValueTask DisposeAsync() => host.DisposeAsync();

    public static async Task<UserClient> OnboardedAsync(JimpTestHost host, object? profile = null)
    {
        var user = await Users.SignUpAsync(host);
        using var put = await user.SendAsync(HttpMethod.Put, "/api/me/profile", profile ?? FrenchProfile);
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        return user;
    }

    /// <summary>
    /// Creators signed up and onboarded, each with a new conversation, for the load profile and the chat-turn benchmarks:
    /// set up side by side, since what those measure comes afterwards.
    /// </summary>
    public static async Task<List<(UserClient User, string Conversation)>> CreatorsWithConversationsAsync(JimpTestHost host, int count) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            var user = await OnboardedAsync(host);
            return (user, await NewConversationAsync(user));
        }))];

    public static async Task<string> NewConversationAsync(UserClient user, string? title = null)
    {
        using var created = await user.SendAsync(HttpMethod.Post, "/api/conversations", title is null ? null : new { title });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Profile_options_list_every_choice_with_french_and_english_labels()
    {
        var options = await host.Client.GetFromJsonAsync<JsonElement>("/api/profile/options");
        foreach (var field in new[] { "niches", "goals", "experience", "learningStyles", "countries", "languages" })
        {
            var items = options.GetProperty(field).EnumerateArray().ToList();
            Assert.NotEmpty(items);
            Assert.All(items, i =>
            {
                Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("id").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("fr").GetString()));
                Assert.False(string.IsNullOrWhiteSpace(i.GetProperty("en").GetString()));
            });
        }
        Assert.Contains(options.GetProperty("niches").EnumerateArray(), n => n.GetProperty("id").GetString() == "beauty");
    }

    [Fact]
    public async Task A_profile_is_404_before_onboarding_then_saved_and_rectified()
    {
        using var user = await Users.SignUpAsync(host);
        using (var none = await user.GetAsync("/api/me/profile"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            Assert.Equal("no-profile", (await none.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/profile", FrenchProfile)) Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var saved = await user.GetJsonAsync("/api/me/profile");
        Assert.Equal("beauty", saved.GetProperty("niches")[0].GetString());

        using (var fix = await user.SendAsync(HttpMethod.Put, "/api/me/profile", new { niches = new[] { "pets" }, goals = new[] { "audience-growth" }, experience = "advanced", learningStyle = "scripts", country = "BE", language = "en" }))
        {
            Assert.Equal(HttpStatusCode.OK, fix.StatusCode);
        }
        var fixedProfile = await user.GetJsonAsync("/api/me/profile");
        Assert.Equal("pets", fixedProfile.GetProperty("niches")[0].GetString());
        Assert.Equal("advanced", fixedProfile.GetProperty("experience").GetString());
    }

    [Fact]
    public async Task An_invalid_profile_is_a_400_naming_each_field_and_changes_nothing()
    {
        using var user = await OnboardedAsync(host);
        using var bad = await user.SendAsync(HttpMethod.Put, "/api/me/profile", new
        {
            niches = new[] { "beauty", "fashion", "home", "pets" },
            goals = new[] { "get-rich" },
            experience = "guru",
            learningStyle = "osmosis",
            country = "ZZ",
            language = "de",
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "niches", "goals", "experience", "learningStyle", "country", "language" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}");
        }
        Assert.Equal("beauty", (await user.GetJsonAsync("/api/me/profile")).GetProperty("niches")[0].GetString());
    }

    [Fact]
    public async Task Conversations_are_created_listed_newest_first_renamed_and_deleted_with_their_messages()
    {
        using var user = await OnboardedAsync(host);
        var first = await NewConversationAsync(user, "Premier");
        host.Clock.Advance(TimeSpan.FromSeconds(5));
        var second = await NewConversationAsync(user);

        var list = await user.GetJsonAsync("/api/conversations");
        var ids = list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal([second, first], ids);
        Assert.Equal("Nouvelle conversation", list.GetProperty("items")[0].GetProperty("title").GetString());

        using (var rename = await user.SendAsync(HttpMethod.Patch, $"/api/conversations/{first}", new { title = "Mes hooks" })) Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        Assert.Equal("Mes hooks", (await user.GetJsonAsync($"/api/conversations/{first}")).GetProperty("conversation").GetProperty("title").GetString());

        using (var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{first}/messages", new { text = "C'est quoi un bon hook ?" })) await Sse.ReadAllAsync(turn);
        using (var delete = await user.SendAsync(HttpMethod.Delete, $"/api/conversations/{first}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = await user.GetAsync($"/api/conversations/{first}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var remaining = (await host.ScanTablesAsync()).Where(l => l.Contains(first, StringComparison.Ordinal)).ToList();
        Assert.Empty(remaining);
    }

    [Fact]
    public async Task Conversations_page_with_a_cursor()
    {
        using var user = await OnboardedAsync(host);
        var created = new List<string>();
        for (var i = 0; i < 23; i++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            created.Add(await NewConversationAsync(user));
        }
        var page1 = await user.GetJsonAsync("/api/conversations");
        var next = page1.GetProperty("next").GetString();
        var page2 = await user.GetJsonAsync($"/api/conversations?cursor={next}");
        var all = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("id").GetString()!).ToList();

        Assert.Equal(20, page1.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("next").ValueKind);
        created.Reverse();
        Assert.Equal(created, all);
    }

    [Fact]
    public async Task A_chat_turn_streams_the_offline_coach_and_stores_both_messages()
    {
        using var user = await OnboardedAsync(host);
        var id = await NewConversationAsync(user);

        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = "Comment trouver un bon produit à promouvoir quand on débute ?" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await Sse.ReadAllAsync(response);

        Assert.Equal("start", events[0].Name);
        Assert.True(events.Count(e => e.Name == "delta") > 1, "the answer arrives in several pieces");
        var done = events.Single(e => e.Name == "done").Data;
        Assert.Equal("offline", done.GetProperty("mode").GetString());
        var text = Sse.Text(events);
        Assert.StartsWith(OfflineCoach.HeaderFr, text, StringComparison.Ordinal);

        var stored = await user.GetJsonAsync($"/api/conversations/{id}");
        var messages = stored.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal("user", messages[0].GetProperty("role").GetString());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.False(messages[1].GetProperty("aiGenerated").GetBoolean()); // an automatic answer from the playbooks, not generative AI
        Assert.Contains(messages[1].GetProperty("sources").EnumerateArray(), s => s.GetProperty("id").GetString() == "products-choose-first-product");
        Assert.Equal(text, messages[1].GetProperty("text").GetString());
        Assert.Equal(done.GetProperty("assistantMessageId").GetString(), messages[1].GetProperty("id").GetString());
        // The first message names the conversation.
        Assert.StartsWith("Comment trouver", stored.GetProperty("conversation").GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_english_profile_gets_english_answers()
    {
        using var user = await OnboardedAsync(host, new { niches = new[] { "electronics" }, goals = new[] { "first-sale" }, experience = "intermediate", learningStyle = "quick-tips", country = "IE", language = "en" });
        var id = await NewConversationAsync(user);
        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = "How often should I post?" });
        var text = Sse.Text(await Sse.ReadAllAsync(response));
        Assert.StartsWith(OfflineCoach.HeaderEn, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task An_empty_message_is_a_400_and_stores_nothing(string? text)
    {
        using var user = await OnboardedAsync(host);
        var id = await NewConversationAsync(user);
        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await user.GetJsonAsync($"/api/conversations/{id}")).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task A_message_over_4000_characters_is_a_400_and_one_of_4000_is_answered()
    {
        using var user = await OnboardedAsync(host);
        var id = await NewConversationAsync(user);
        using (var tooLong = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = new string('a', 4001) }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        }
        using var longest = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = new string('a', 4000) });
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        Assert.Contains(await Sse.ReadAllAsync(longest), e => e.Name == "done");
    }

    [Fact]
    public async Task The_21st_turn_in_a_minute_is_429()
    {
        using var user = await OnboardedAsync(host);
        var id = await NewConversationAsync(user);
        for (var i = 0; i < ChatService.TurnsPerMinute; i++)
        {
            using var ok = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = $"question {i} sur les hooks" });
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"turn {i}: {(int)ok.StatusCode} " + string.Join("\n", host.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal))));
            await Sse.ReadAllAsync(ok);
        }
        using var limited = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = "encore une" });
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task A_restricted_user_is_refused_with_403_and_nothing_reaches_the_coach()
    {
        using var user = await OnboardedAsync(host);
        var id = await NewConversationAsync(user);
        var sessions = host.Services.GetRequiredService<SessionStore>();
        var profileJson = await host.Services.GetRequiredService<ProfileStore>().GetJsonAsync(user.UserId, default);
        await sessions.UpdateContextAsync(user.UserId, new SessionContext(Restricted: true, profileJson), default);

        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = "Un conseil ?" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("restricted", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(0, (await user.GetJsonAsync($"/api/conversations/{id}")).GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task Every_source_an_answer_cites_opens_in_the_knowledge_base_in_both_languages()
    {
        using var user = await OnboardedAsync(host);
        var id = await NewConversationAsync(user);
        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = "Comment écrire un bon hook pour ma vidéo ?" });
        var done = (await Sse.ReadAllAsync(response)).Single(e => e.Name == "done").Data;
        var cited = done.GetProperty("sources").EnumerateArray().Where(s => s.GetProperty("type").GetString() == "playbook").ToList();
        Assert.NotEmpty(cited);
        foreach (var source in cited)
        {
            var playbook = await user.GetJsonAsync($"/api/knowledge/{source.GetProperty("id").GetString()}");
            Assert.Equal(source.GetProperty("title").GetString(), playbook.GetProperty("fr").GetProperty("title").GetString());
            Assert.NotEmpty(playbook.GetProperty("en").GetProperty("steps").EnumerateArray());
        }
        var list = await user.GetJsonAsync("/api/knowledge");
        Assert.Equal(host.Services.GetRequiredService<KnowledgeBase>().Entries.Count, list.GetProperty("items").GetArrayLength());
        using var unknown = await user.GetAsync("/api/knowledge/no-such-playbook");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("fiche", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The profile is optional (policy §2: only the address and the age confirmation are needed; Art. 5(1)(c)): without
    /// one the coach still answers, with general advice in the account's language. This replaces the test that asserted
    /// the former 409 no-profile refusal.
    /// </summary>
    [Theory]
    [InlineData("fr", "Comment écrire un bon hook pour ma vidéo ?")]
    [InlineData("en", "How do I write a good hook for my video?")]
    public async Task Chat_without_a_profile_gets_general_advice_in_the_accounts_language(string locale, string question)
    {
        using var user = await Users.SignUpAsync(host, locale: locale);
        using (var none = await user.GetAsync("/api/me/profile")) Assert.Equal(HttpStatusCode.NotFound, none.StatusCode); // nothing saved
        var id = await NewConversationAsync(user);
        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = question });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await Sse.ReadAllAsync(response);
        var done = events.Single(e => e.Name == "done").Data;
        Assert.Equal("completed", done.GetProperty("outcome").GetString());
        Assert.False(string.IsNullOrWhiteSpace(Sse.Text(events)));
        var cited = done.GetProperty("sources").EnumerateArray().Where(s => s.GetProperty("type").GetString() == "playbook").ToList();
        Assert.NotEmpty(cited);
        foreach (var source in cited) // cited in the account's language
        {
            var playbook = await user.GetJsonAsync($"/api/knowledge/{source.GetProperty("id").GetString()}");
            Assert.Equal(playbook.GetProperty(locale).GetProperty("title").GetString(), source.GetProperty("title").GetString());
        }
        Assert.Equal(2, (await user.GetJsonAsync($"/api/conversations/{id}")).GetProperty("messages").GetArrayLength());
        using (var still = await user.GetAsync("/api/me/profile")) Assert.Equal(HttpStatusCode.NotFound, still.StatusCode); // no profile was invented and stored
    }

    [Fact]
    public async Task Every_profile_field_is_optional_an_empty_profile_is_saved_and_chats()
    {
        using var user = await OnboardedAsync(host, new { });
        var saved = await user.GetJsonAsync("/api/me/profile");
        Assert.Equal(0, saved.GetProperty("niches").GetArrayLength());
        Assert.Equal(0, saved.GetProperty("goals").GetArrayLength());
        using (var nulls = await user.SendAsync(HttpMethod.Put, "/api/me/profile", new { niches = (string[]?)null, goals = (string[]?)null, experience = (string?)null, learningStyle = (string?)null, country = (string?)null, language = (string?)null }))
        {
            Assert.Equal(HttpStatusCode.OK, nulls.StatusCode);
        }
        var id = await NewConversationAsync(user);
        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = "Un conseil pour débuter ?" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", (await Sse.ReadAllAsync(response)).Single(e => e.Name == "done").Data.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Message_text_never_reaches_the_logs()
    {
        using var user = await OnboardedAsync(host);
        var id = await NewConversationAsync(user);
        const string secret = "Mon numéro secret est 0612345678 et je vends des crèmes";
        using (var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{id}/messages", new { text = secret })) await Sse.ReadAllAsync(response);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("0612345678", StringComparison.Ordinal));
    }
}
