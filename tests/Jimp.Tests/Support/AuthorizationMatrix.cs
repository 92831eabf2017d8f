namespace Jimp.Tests.Support;

/// <summary>
/// One row per HTTP function that needs a signed-in user. <see cref="Path"/> may name the owner's resources
/// (<c>{conversationId}</c>, <c>{messageId}</c>, <c>{exportId}</c>): the matrix fills them with ids the owner
/// created. Rows run anonymously (401), as another user (404 on the owner's ids; never the owner's data), and
/// as the owner (<see cref="OwnerStatus"/>).
/// </summary>
public sealed record MatrixCase(string Method, string Path, object? Body = null, int OwnerStatus = 200)
{
    /// <summary>The body to send: a fixed one, or one made from the owner (e.g. their address to confirm an erasure).</summary>
    public object? BodyFor(UserClient owner) => Body is Func<UserClient, object> make ? make(owner) : Body;

    public bool UsesOwnerIds => Path.Contains('{', StringComparison.Ordinal);
}

public static class AuthorizationMatrix
{
    /// <summary>Functions for signed-in users. Each feature adds its rows here.</summary>
    public static IReadOnlyDictionary<string, MatrixCase> Cases { get; } = new Dictionary<string, MatrixCase>(StringComparer.Ordinal)
    {
        // Accounts
        ["GetMe"] = new("GET", "/api/me"),
        ["GetMyActivity"] = new("GET", "/api/me/activity"),
        ["ChangeEmail"] = new("POST", "/api/me/email", new { newEmail = "matrix-new@example.test" }, 202),
        ["Logout"] = new("POST", "/api/auth/logout", OwnerStatus: 204),
        ["LogoutEverywhere"] = new("POST", "/api/auth/logout-all"),
        // Coaching
        ["GetMyProfile"] = new("GET", "/api/me/profile"),
        ["PutMyProfile"] = new("PUT", "/api/me/profile", new { niches = new[] { "home" }, goals = new[] { "first-sale" }, experience = "beginner", learningStyle = "examples", country = "FR", language = "fr" }),
        ["CreateConversation"] = new("POST", "/api/conversations", new { title = "Matrix" }, 201),
        ["ListConversations"] = new("GET", "/api/conversations"),
        ["GetConversation"] = new("GET", "/api/conversations/{conversationId}"),
        ["RenameConversation"] = new("PATCH", "/api/conversations/{conversationId}", new { title = "Renamed" }),
        ["DeleteConversation"] = new("DELETE", "/api/conversations/{conversationId}", OwnerStatus: 204),
        ["SendMessage"] = new("POST", "/api/conversations/{conversationId}/messages", new { text = "Un conseil pour mon premier live ?" }),
        ["RetryMessage"] = new("POST", "/api/conversations/{conversationId}/messages/{failedMessageId}/retry"),
        ["ListPlaybooks"] = new("GET", "/api/knowledge"),
        ["GetPlaybook"] = new("GET", "/api/knowledge/products-choose-first-product"),
        // Privacy: export and erasure
        ["RequestExport"] = new("POST", "/api/me/exports", OwnerStatus: 202),
        ["ListExports"] = new("GET", "/api/me/exports"),
        ["DownloadExport"] = new("GET", "/api/me/exports/{exportId}/download"),
        ["RequestErasure"] = new("POST", "/api/me/erasure", (Func<UserClient, object>)(owner => new { confirm = owner.Email }), 202),
        // Trends
        ["GetTrends"] = new("GET", "/api/trends?country=FR"),
        // Privacy: rights
        ["GetMyConsents"] = new("GET", "/api/me/consents"),
        ["PutMyConsent"] = new("PUT", "/api/me/consents/marketing-emails", new { granted = true }),
        ["RestrictMyProcessing"] = new("PUT", "/api/me/restriction"),
        ["LiftMyRestriction"] = new("DELETE", "/api/me/restriction"),
        ["PutMyObjection"] = new("PUT", "/api/me/objection", new { insights = true }),
        ["GetMyRequests"] = new("GET", "/api/me/requests"),
        // Workspace: products, videos, results, weekly plan
        ["ListMyProducts"] = new("GET", "/api/me/products"),
        ["AddMyProduct"] = new("POST", "/api/me/products", new { name = "Lampe matrice", priceEur = 20, commissionPercent = 10 }, 201),
        ["UpdateMyProduct"] = new("PUT", "/api/me/products/{productId}", new { name = "Lampe renommée", status = "testing" }),
        ["DeleteMyProduct"] = new("DELETE", "/api/me/products/{productId}", OwnerStatus: 204),
        ["ListMyVideos"] = new("GET", "/api/me/videos"),
        ["AddMyVideo"] = new("POST", "/api/me/videos", new { postedOn = "2026-11-20", lengthSeconds = 20, views = 1000 }, 201),
        ["UpdateMyVideo"] = new("PUT", "/api/me/videos/{videoId}", new { postedOn = "2026-11-21", lengthSeconds = 25, views = 1500 }),
        ["DeleteMyVideo"] = new("DELETE", "/api/me/videos/{videoId}", OwnerStatus: 204),
        ["ImportMyVideos"] = new("POST", "/api/me/videos/import", (Func<UserClient, object>)(_ => new StringContent("date,length_seconds,views\n2026-11-20,20,1000\n", System.Text.Encoding.UTF8, "text/csv"))),
        ["GetMyResults"] = new("GET", "/api/me/results"),
        ["GetMyPlan"] = new("GET", "/api/me/plan"),
        ["ProposeMyPlan"] = new("POST", "/api/me/plan"),
        ["TickMyPlanItem"] = new("PUT", "/api/me/plan/{planWeek}/items/0", new { done = true }),
        ["DownloadMyPlan"] = new("GET", "/api/me/plan/{planWeek}/calendar"),
    };

    /// <summary>Operator functions (function key): without the key → 401; with it → <see cref="MatrixCase.OwnerStatus"/>.</summary>
    /// <remarks>Rows that name a user or a version point at one that does not exist: the key lets them through to a 404.</remarks>
    public static IReadOnlyDictionary<string, MatrixCase> OperatorCases { get; } = new Dictionary<string, MatrixCase>(StringComparer.Ordinal)
    {
        // Privacy: the owner's side
        ["ListOpenRequests"] = new("GET", "/api/operator/requests"),
        ["ExtendRequest"] = new("POST", $"/api/operator/requests/{UnknownUserId}/0000000000000000000unknown/extend", new { until = "2027-01-20T00:00:00Z", reason = "Matrix" }, 404),
        ["FlagMinor"] = new("POST", $"/api/operator/accounts/{UnknownUserId}/minor", OwnerStatus: 404),
        ["AnnouncePolicy"] = new("POST", "/api/operator/policy/9.9.9/announce", OwnerStatus: 404),
        // Insights: the owner's read of the weekly aggregates
        ["ReadInsights"] = new("GET", "/api/operator/insights"),
    };

    /// <summary>
    /// The owner's console (session of an operator): anonymous → 401, a signed-in creator → 403, an operator →
    /// <see cref="MatrixCase.OwnerStatus"/>. Rows that name a request or a version point at one that does not exist.
    /// </summary>
    public static IReadOnlyDictionary<string, MatrixCase> ConsoleCases { get; } = new Dictionary<string, MatrixCase>(StringComparer.Ordinal)
    {
        ["GetConsoleSession"] = new("GET", "/api/console/session"),
        ["GetConsoleRequests"] = new("GET", "/api/console/requests"),
        ["ExtendConsoleRequest"] = new("POST", $"/api/console/requests/{UnknownUserId}/0000000000000000000unknown/extend", new { until = "2027-01-20T00:00:00Z", reason = "Matrix" }, 404),
        ["CloseConsoleRequest"] = new("POST", $"/api/console/requests/{UnknownUserId}/0000000000000000000unknown/close", new { outcome = "Matrix" }, 404),
        ["LookupAccount"] = new("POST", "/api/console/lookup", new { email = "matrix-nobody@example.test" }),
        ["RecordEmailedRequest"] = new("POST", "/api/console/email-requests", new { email = "matrix-nobody@example.test", kind = "access", receivedOn = "2026-11-27" }),
        ["FlagMinorByAddress"] = new("POST", "/api/console/minors", new { email = "matrix-minor@example.test", confirm = "matrix-minor@example.test" }),
        ["GetConsolePolicy"] = new("GET", "/api/console/policy"),
        ["AnnounceConsolePolicy"] = new("POST", "/api/console/policy/9.9.9/announce", new { confirm = "9.9.9" }, 404),
        ["GetConsoleTerms"] = new("GET", "/api/console/terms"),
        ["AnnounceConsoleTerms"] = new("POST", "/api/console/terms/9.9.9/announce", new { confirm = "9.9.9" }, 404),
        ["GetConsoleCampaigns"] = new("GET", "/api/console/campaigns"),
        ["SendConsoleCampaign"] = new("POST", "/api/console/campaigns", new { subjectFr = "Matrice", textFr = "Texte", subjectEn = "Matrix", textEn = "Text" }, 202),
        ["GetConsoleMailing"] = new("GET", $"/api/console/mailings/{UnknownUserId}", OwnerStatus: 404),
        ["GetConsoleInsights"] = new("GET", "/api/console/insights"),
        ["ListBreaches"] = new("GET", "/api/console/breaches"),
        ["RecordBreach"] = new("POST", "/api/console/breaches", new { detectedAt = "2026-11-27T10:00:00Z", nature = "Matrix incident", dataCategories = "none", peopleCount = 0, measures = "none" }, 201),
        ["UpdateBreach"] = new("PUT", "/api/console/breaches/unknown", new { highRisk = true }, 404),
        ["ExportBreaches"] = new("GET", "/api/console/breaches.csv"),
        ["DownloadEvidencePack"] = new("GET", "/api/console/evidence-pack"),
    };

    /// <summary>The operator of the console rows (listed in Operators:Addresses of the matrix's host).</summary>
    public static readonly string OperatorEmail = Users.NewEmail("matrix-operator");

    /// <summary>A well-formed user id that belongs to nobody.</summary>
    public const string UnknownUserId = "0123456789abcdef0123456789abcdef";

    /// <summary>Creates the owner's resources that rows refer to; features add what their rows need.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> CreateOwnerResourcesAsync(JimpTestHost host, UserClient owner)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(owner);
        using (var profile = await owner.SendAsync(HttpMethod.Put, "/api/me/profile", Cases["PutMyProfile"].Body)) profile.EnsureSuccessStatusCode();
        using var created = await owner.SendAsync(HttpMethod.Post, "/api/conversations", new { title = "Owner's" });
        var conversationId = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(created.Content)).GetProperty("id").GetString()!;
        // A user message whose answer failed, for the retry row.
        var store = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Jimp.Functions.Coaching.ConversationStore>(host.Services);
        var failed = await store.AddUserMessageAsync(owner.UserId, conversationId, "Une question restée sans réponse", null, host.Clock.GetUtcNow(), default);
        await store.SetStatusAsync(owner.UserId, conversationId, failed.Id, Jimp.Functions.Coaching.MessageStatus.Failed, default);
        var exportId = await Jimp.Tests.Privacy.PrivacyFixture.ExportAndWaitAsync(host, owner);
        var (productId, videoId, planWeek) = await Jimp.Tests.Workspace.WorkspaceFixture.OwnerResourcesAsync(owner);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["conversationId"] = conversationId, ["failedMessageId"] = failed.Id, ["exportId"] = exportId,
            ["productId"] = productId, ["videoId"] = videoId, ["planWeek"] = planWeek,
        };
    }

    public static string Fill(string path, IReadOnlyDictionary<string, string> ids)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var (name, value) in ids)
        {
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }
        return path;
    }
}
