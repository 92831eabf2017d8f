using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Coaching;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

/// <summary>A user with data in every store, made through the real API where one exists.</summary>
public sealed record FixtureUser(UserClient Client, string ConversationId, string MessageText)
{
    public string UserId => Client.UserId;

    public string Email => Client.Email;
}

public static class PrivacyFixture
{
    public static async Task<FixtureUser> UserWithDataEverywhereAsync(JimpTestHost host, string locale = "fr")
    {
        var user = await Users.SignUpAsync(host, locale: locale);
        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/profile", CoachingApiTests.FrenchProfile)) put.EnsureSuccessStatusCode();
        var conversation = await CoachingApiTests.NewConversationAsync(user, "Mes lives");
        var text = "Ma question très personnelle " + Guid.NewGuid().ToString("N")[..8];
        using (var turn = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversation}/messages", new { text })) await Sse.ReadAllAsync(turn);
        // A consent given (the consent ledger's own API writes the same row shape).
        var consents = await host.Storage.TableAsync("consents");
        await consents.AddEntityAsync(new TableEntity(user.UserId, "9000000000000000000") { ["Purpose"] = "marketing-emails", ["Granted"] = true, ["At"] = host.Clock.GetUtcNow() });
        // A pending sign-in link (its address is stored until it is used).
        using (await Users.RequestLinkAsync(host, Users.LinkBody(user.Email, locale))) { }
        return new FixtureUser(user, conversation, text);
    }

    /// <summary>Starts an export and returns its id once its orchestration has finished and the export is ready.</summary>
    public static async Task<string> ExportAndWaitAsync(JimpTestHost host, UserClient user)
    {
        using var started = await user.SendAsync(HttpMethod.Post, "/api/me/exports");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var exportId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("exportId").GetString()!;
        // Wait on the orchestration itself rather than polling the API: benchmarks count the export's storage
        // requests, and polling, longer on a loaded machine, would add to them.
        var state = await host.WaitForOrchestrationAsync(Jimp.Functions.Privacy.ExportOrchestration.InstanceIdFor(exportId));
        var list = await user.GetJsonAsync("/api/me/exports");
        var status = list.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("id").GetString() == exportId).GetProperty("status").GetString();
        if (status == "ready") return exportId;
        throw new InvalidOperationException($"The export is {status} ({state.RuntimeStatus}: {state.FailureDetails?.ErrorMessage}). {host.Troubles()}");
    }

    public static async Task<ZipArchive> DownloadAsync(UserClient user, string exportId)
    {
        using var response = await user.GetAsync($"/api/me/exports/{exportId}/download");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
    }

    public static async Task WaitForErasureAsync(JimpTestHost host, string requestId)
    {
        // Read through a client of its own, outside the app's request counter: benchmarks count the erasure's requests,
        // and this polling, longer on a loaded machine, is not part of them.
        var tombstones = new TableClient(JimpTestHost.StorageConnectionString, host.Storage.TableName("tombstones"));
        var completed = await Eventually.ReadAsync(
            async () =>
            {
                try
                {
                    var t = await tombstones.GetEntityIfExistsAsync<TableEntity>("erasure", requestId);
                    return t.HasValue && t.Value!.GetString("Status") == "completed";
                }
                catch (Azure.RequestFailedException)
                {
                    return false; // the table is not there yet
                }
            },
            done => done,
            TimeSpan.FromSeconds(60));
        if (!completed) throw new TimeoutException($"The erasure did not finish. {host.Troubles()}");
    }

    public static JimpStorage Storage(this JimpTestHost host) => host.Services.GetRequiredService<JimpStorage>();
}
