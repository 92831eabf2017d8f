using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Workspace;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;
using static Jimp.Tests.Insights.InsightsFixture;

namespace Jimp.Tests.Workspace;

/// <summary>
/// Objection (Art. 21) and the workspace: the creator's products and videos are in no aggregate statistic, so the
/// weekly insights never read them, and an objector still gets the analysis of their own numbers (objection is
/// not restriction).
/// </summary>
public sealed class WorkspaceObjectionTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task<UserClient> CreatorWithVideosAsync()
    {
        var user = await CoachingApiTests.OnboardedAsync(host, WorkspaceFixture.FrenchProfile);
        await WorkspaceFixture.AddProductAsync(user, name: "Brosse anti-poils");
        await WorkspaceFixture.ImportAsync(user, WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25)));
        var conversation = await CoachingApiTests.NewConversationAsync(user);
        using var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text = HookQuestion });
        Assert.Equal(HttpStatusCode.OK, turn.StatusCode);
        await Sse.ReadAllAsync(turn);
        return user;
    }

    [Fact]
    public async Task An_objector_keeps_the_analysis_of_their_own_numbers_and_no_workspace_reaches_the_aggregate_insights()
    {
        // Ten people of the same niche and level make the group publishable; the two creators below would make it 11 and 12.
        foreach (var id in await PeopleAsync(host, 10, "home", "beginner")) await AskAsync(host, id, InWeek48, HookQuestion);
        using var objector = await CreatorWithVideosAsync();
        using var other = await CreatorWithVideosAsync();
        using (var objection = await objector.SendAsync(HttpMethod.Put, "/api/me/objection", new { insights = true })) Assert.Equal(HttpStatusCode.OK, objection.StatusCode);

        // Objection is not restriction: the objector's own results are still computed for them.
        using (var results = await objector.GetAsync("/api/me/results"))
        {
            Assert.Equal(HttpStatusCode.OK, results.StatusCode);
            Assert.Equal(30, (await results.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("analysed").GetInt32());
        }

        // The workspace's tables gone: a weekly run that read them would fail or count differently.
        foreach (var table in new[] { WorkspaceStore.ProductsTable, WorkspaceStore.VideosTable, WorkspaceStore.PlansTable })
        {
            await host.Storage.TableService.DeleteTableAsync(host.Storage.TableName(table));
        }
        host.Clock.Advance(TimeSpan.FromDays(3)); // week 48 is over
        await host.RunTimerAsync("ComputeInsights");

        var rows = await RowsAsync(host);
        // The ten and the creator who did not object; the objector is not counted.
        Assert.Equal(11, Group(rows, "2026-W48", "niche:home:beginner")!.GetInt32("Users"));
        Assert.Equal(11, Group(rows, "2026-W48", "topic:hooks")!.GetInt32("Users"));
        // Nothing of a workspace: only category ids and counts, no product, hook style or video figure.
        var allowed = new HashSet<string>(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag", "Kind", "Niche", "Level", "Topic", "Users", "Questions", "ComputedAt", "MinimumGroupSize", "SuppressedGroups" };
        Assert.All(rows, r => Assert.DoesNotContain(r.Keys, k => !allowed.Contains(k)));
        var values = string.Join("\n", rows.SelectMany(r => r.Where(p => p.Key is not ("Timestamp" or "odata.etag")).Select(p => $"{r.RowKey}={p.Value}")));
        foreach (var workspaceValue in new[] { "Brosse", "result-first", "problem", "demo", "Hook numéro" })
        {
            Assert.DoesNotContain(workspaceValue, values, StringComparison.OrdinalIgnoreCase);
        }
    }
}
