using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;
using Xunit.Abstractions;

namespace Jimp.Tests.Workspace;

/// <summary>
/// What the workspace costs on Azurite, in storage requests (exact) and wall time (the shared machine's): a CSV
/// import of 5,000 videos (the default limit, <c>Workspace:MaxVideos</c>; smoke size 500), importing the same file
/// again, and opening the workspace page with them (the five calls the page makes). Figures are printed; the
/// assertions hold the shape: an import is one request per 100 rows plus a constant, opening the page one per
/// 1,000 videos plus a constant.
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class WorkspaceBenchmarks(ITestOutputHelper output)
{
    [Fact]
    public async Task A_5000_video_import_costs_a_batch_per_100_rows_and_the_page_a_query_per_1000_videos()
    {
        var videos = Bench.Size(500, 5_000);
        await using var host = await JimpTestHost.StartAsync();
        using var user = await Users.SignUpAsync(host);
        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/profile", WorkspaceFixture.FrenchProfile)) put.EnsureSuccessStatusCode();
        await WorkspaceFixture.AddProductAsync(user);
        // A conversation that already read the numbers: the import clears its copy.
        using (var created = await user.SendAsync(HttpMethod.Post, "/api/conversations")) created.EnsureSuccessStatusCode();
        var csv = WorkspaceFixture.ThirtyVideos("Brosse anti-poils", new DateOnly(2026, 11, 25), videos);

        output.WriteLine($"workspace ({Bench.Name}): {videos:N0} videos, CSV {csv.Length / 1024.0:N0} KiB");
        output.WriteLine($"{"step",-28} {"requests",8} {"queries",7} {"points",6} {"batches",7} {"ms",7}");

        var (import, importMs) = await MeasureAsync(host, async () => (await WorkspaceFixture.ImportAsync(user, csv)).GetProperty("added").GetInt32());
        Assert.Equal(videos, import.Value);
        Print("import (new)", import.Cost, importMs);
        var (again, againMs) = await MeasureAsync(host, async () => (await WorkspaceFixture.ImportAsync(user, csv)).GetProperty("replaced").GetInt32());
        Assert.Equal(videos, again.Value);
        Print("import again (replaces)", again.Cost, againMs);

        var (page, pageMs) = await MeasureAsync(host, async () =>
        {
            // What #/workspace loads: the options, then products, results and plan in parallel.
            using (var options = await user.GetAsync("/api/workspace/options")) options.EnsureSuccessStatusCode();
            var calls = new[] { "/api/me/products", "/api/me/results", "/api/me/plan" }.Select(async path =>
            {
                using var response = await user.GetAsync(path);
                Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound, path);
                return path == "/api/me/results" ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("analysed").GetInt32() : 0;
            });
            return (await Task.WhenAll(calls)).Sum();
        });
        Assert.Equal(videos, page.Value);
        Print("open the workspace page", page.Cost, pageMs);

        var batches = (videos + 99) / 100;
        var pages = (videos + 999) / 1000;
        // Import: the session, the products, the ids already there (a page per 1,000), a batch per 100 rows, and the
        // coach's copies cleared (one query for the conversations, one batch for them).
        Assert.Equal(batches + 1, import.Cost["table:batch"]);
        Assert.InRange(import.Cost.Total, batches + 3, batches + 6);
        Assert.InRange(again.Cost.Total, batches + pages + 2, batches + pages + 6);
        // The page: a session check per signed-in call and the plan's point read; queries: the products (for the list
        // and for the results), the trends of the products' niches, the videos a page per 1,000 (measured: 9 at 500 videos).
        Assert.Equal(4, page.Cost["table:point-read"]);
        Assert.InRange(page.Cost["table:query"], pages + 4, pages + 9);
    }

    private void Print(string step, Jimp.Functions.Platform.Storage.StorageCounts cost, long ms) =>
        output.WriteLine($"{step,-28} {cost.Total,8} {cost["table:query"],7} {cost["table:point-read"],6} {cost["table:batch"],7} {ms,7}    {cost}");

    private static async Task<((T Value, Jimp.Functions.Platform.Storage.StorageCounts Cost), long Ms)> MeasureAsync<T>(JimpTestHost host, Func<Task<T>> action)
    {
        var before = host.Counter.Snapshot();
        var watch = Stopwatch.StartNew();
        var value = await action();
        watch.Stop();
        return ((value, host.Counter.Snapshot().Since(before)), watch.ElapsedMilliseconds);
    }
}
