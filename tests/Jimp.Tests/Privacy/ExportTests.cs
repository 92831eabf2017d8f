using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

public sealed class ExportTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Export_contains_every_store_of_the_user()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        using var zip = await PrivacyFixture.DownloadAsync(user.Client, exportId);

        using var data = JsonDocument.Parse(zip.GetEntry("data.json")!.Open());
        var root = data.RootElement;
        Assert.Equal(ExportArchive.SchemaVersion, root.GetProperty("schema").GetString());
        Assert.Equal(user.UserId, root.GetProperty("user_id").GetString());
        var stores = root.GetProperty("stores");
        var registry = host.Services.GetRequiredService<PersonalDataRegistry>();
        foreach (var store in registry.Stores)
        {
            Assert.True(stores.TryGetProperty(store.Name, out _), $"the export has no entry for the store {store.Name}");
        }
        Assert.Contains(stores.GetProperty("users").EnumerateArray(), r => r.GetProperty("email").GetString() == user.Email);
        Assert.NotEmpty(stores.GetProperty("profiles").EnumerateArray());
        Assert.NotEmpty(stores.GetProperty("consents").EnumerateArray());
        Assert.NotEmpty(stores.GetProperty("sessions").EnumerateArray());
        Assert.NotEmpty(stores.GetProperty("securitylog{yyyyMM}").EnumerateArray());
        var messages = stores.GetProperty("conversations").EnumerateArray().Where(r => r.GetProperty("type").GetString() == "message").ToList();
        Assert.Contains(messages, m => m.GetProperty("text").GetString() == user.MessageText && !m.GetProperty("ai_generated").GetBoolean());
        Assert.Contains(messages, m => m.GetProperty("role").GetString() == "assistant" && m.GetProperty("ai_generated").GetBoolean());
        Assert.NotNull(zip.GetEntry("csv/conversations.csv"));
        Assert.NotNull(zip.GetEntry("csv/users.csv"));
    }

    [Fact]
    public async Task The_summary_is_in_the_users_language_with_the_article_15_information()
    {
        var french = await PrivacyFixture.UserWithDataEverywhereAsync(host, "fr");
        using var zip = await PrivacyFixture.DownloadAsync(french.Client, await PrivacyFixture.ExportAndWaitAsync(host, french.Client));
        using var reader = new StreamReader(zip.GetEntry("summary.html")!.Open());
        var html = await reader.ReadToEndAsync();

        Assert.Contains("lang=\"fr\"", html, StringComparison.Ordinal);
        foreach (var heading in new[] { "Finalité", "Base légale", "Conservation", "Destinataires", "Source", "Vos droits", "CNIL" })
        {
            Assert.Contains(heading, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_user_is_emailed_a_link_to_the_download_page_once()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Vos données JIMP sont prêtes", expected: 1));
        var ready = await Mailbox.WithSubjectAsync(host, user.Email, "Vos données JIMP sont prêtes");
        Assert.Contains($"#/privacy?export={exportId}", ready[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_user_gets_404_on_the_download()
    {
        var owner = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, owner.Client);
        using var other = await Users.SignUpAsync(host);
        using var response = await other.GetAsync($"/api/me/exports/{exportId}/download");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task After_7_days_the_link_no_longer_works_and_the_blob_is_gone()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        var blob = host.Storage.Container(ExportArchiveStore.Container).GetBlobClient(ExportRecords.BlobName(user.UserId, exportId));
        Assert.True((await blob.ExistsAsync()).Value);

        host.Clock.Advance(TimeSpan.FromDays(6.9));
        using (var stillThere = await user.Client.GetAsync($"/api/me/exports/{exportId}/download")) Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);

        host.Clock.Advance(TimeSpan.FromDays(0.1));
        using (var expired = await user.Client.GetAsync($"/api/me/exports/{exportId}/download")) Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        await host.RunTimerAsync("RunHousekeeping");
        Assert.False((await blob.ExistsAsync()).Value);
    }

    [Fact]
    public async Task Each_download_is_written_to_the_security_log()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        using (await PrivacyFixture.DownloadAsync(user.Client, exportId)) { }
        var activity = await user.Client.GetJsonAsync("/api/me/activity");
        Assert.Contains(activity.GetProperty("events").EnumerateArray(), e => e.GetProperty("event").GetString() == "export-downloaded");
    }
}
