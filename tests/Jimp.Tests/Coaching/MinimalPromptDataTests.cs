using System.Net;
using Jimp.Tests.Support;

namespace Jimp.Tests.Coaching;

/// <summary>
/// Data minimisation towards the model (GDPR Art. 5(1)(c)): a chat turn sends the model only what the turn needs —
/// the profile as labels, the grounding and the conversation's text — and never the person's address, ids, session
/// or network details. Read from the request the real host sends to a fake speaking the Azure OpenAI wire format.
/// </summary>
public sealed class MinimalPromptDataTests : IAsyncLifetime
{
    private FakeOpenAIServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAIServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task The_prompt_of_a_turn_holds_no_address_id_session_or_ip()
    {
        server.Enqueue(FakeReply.Answer("Commence par un produit que tu utilises ", "toi-même."));
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            foreach (var (key, value) in CoachHarness.Azure(server)) o.Settings[key] = value;
        });
        using var user = await Users.SignUpAsync(host, Users.NewEmail("minimal.data"));
        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/profile", CoachingApiTests.FrenchProfile)) Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var conversation = await CoachingApiTests.NewConversationAsync(user, "Premier produit");
        const string question = "Comment choisir mon premier produit à promouvoir ?";

        using (var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = question }))
        {
            Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
            await Sse.ReadAllAsync(turn);
        }

        var request = Assert.Single(server.Requests);
        var body = request.Body;
        Assert.Contains("premier produit à promouvoir", request.Json["messages"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), StringComparison.Ordinal); // what the turn needs does go
        foreach (var (what, value) in new[]
                 {
                     ("e-mail address", user.Email), ("address local part", user.Email.Split('@')[0]), ("user id", user.UserId),
                     ("conversation id", conversation), ("session", user.Cookie), ("client address", "127.0.0.1"),
                 })
        {
            Assert.False(body.Contains(value, StringComparison.OrdinalIgnoreCase), $"the prompt holds the {what}");
        }
        // No end-user identifier either (the API's optional "user" and "metadata" fields), and nothing kept at the provider.
        Assert.Null(request.Json["user"]);
        Assert.Null(request.Json["metadata"]);
        Assert.Null(request.Json["safety_identifier"]);
    }
}
