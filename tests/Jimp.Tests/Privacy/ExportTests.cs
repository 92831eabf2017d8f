using System.IO.Compression;
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
        var html = WebUtility.HtmlDecode(await EntryTextAsync(zip, "summary.html"));

        Assert.Contains("lang=\"fr\"", html, StringComparison.Ordinal);
        foreach (var heading in new[] { "Finalité", "Base légale", "Durée de conservation", "Destinataires", "Source", "Vos droits", "CNIL" })
        {
            Assert.Contains(heading, html, StringComparison.Ordinal);
        }
        // Every store's row is in French: its French purpose, legal basis and retention, and none of the English ones.
        var registry = host.Services.GetRequiredService<PersonalDataRegistry>();
        foreach (var store in registry.Stores)
        {
            Assert.Contains(store.French.Purpose, html, StringComparison.Ordinal);
            Assert.Contains(store.French.LegalBasis, html, StringComparison.Ordinal);
            Assert.Contains(store.French.Retention, html, StringComparison.Ordinal);
            Assert.DoesNotContain(store.Purpose, html, StringComparison.Ordinal);
            Assert.DoesNotContain(store.Retention, html, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("Contract (Art. 6(1)(b))", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Legitimate interest", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_holds_every_item_of_article_15_1_and_15_2_in_french_and_in_english()
    {
        // Art. 15(1): (a) purposes, (b) categories, (c) recipients, (d) retention, (e) rectification, erasure,
        // restriction, objection, (f) complaint to the CNIL, (g) source, (h) automated decisions; 15(2) transfers and safeguards.
        var expected = new Dictionary<string, string[]>
        {
            ["fr"] = ["Catégorie de données", "Finalité", "Durée de conservation", "Destinataires", "Microsoft Ireland Operations Limited", "prestataire d'envoi d'e-mails",
                "rectification", "effacement", "limitation", "opposer", "réclamation", "CNIL", "Source des données", "décision fondée exclusivement sur un traitement automatisé",
                "profilage", "Transferts hors de l'Union européenne et garanties (art. 15.2)", "clauses contractuelles types", "2021/914", "Data Privacy Framework", "2023/1795", "EU Data Boundary"],
            ["en"] = ["Category of data", "Purpose", "Retention", "Recipients", "Microsoft Ireland Operations Limited", "e-mail provider",
                "rectified", "erased", "restricted", "object", "complaint", "CNIL", "Where the data comes from", "solely on automated processing",
                "profiling", "Transfers outside the European Union and safeguards (Art. 15(2))", "standard contractual clauses", "2021/914", "Data Privacy Framework", "2023/1795", "EU Data Boundary"],
        };
        foreach (var (locale, phrases) in expected)
        {
            var user = await PrivacyFixture.UserWithDataEverywhereAsync(host, locale);
            using var zip = await PrivacyFixture.DownloadAsync(user.Client, await PrivacyFixture.ExportAndWaitAsync(host, user.Client));
            var html = WebUtility.HtmlDecode(await EntryTextAsync(zip, "summary.html"));
            Assert.Contains($"lang=\"{locale}\"", html, StringComparison.Ordinal);
            foreach (var phrase in phrases) Assert.Contains(phrase, html, StringComparison.Ordinal);
            foreach (var id in new[] { "stores", "recipients", "transfers", "rights", "source", "automated-decisions" })
            {
                Assert.Contains($"id=\"{id}\"", html, StringComparison.Ordinal);
            }
            var registry = host.Services.GetRequiredService<PersonalDataRegistry>();
            foreach (var store in registry.Stores)
            {
                Assert.Contains(locale == "fr" ? store.Title.Fr : store.Title.En, html, StringComparison.Ordinal);
            }
            if (locale == "en")
            {
                Assert.DoesNotContain("Finalité", html, StringComparison.Ordinal);
                Assert.DoesNotContain("Exécution du contrat", html, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_csvs_start_with_a_utf8_bom_and_the_coachs_answers_carry_their_token_counts()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host, "fr");
        using var zip = await PrivacyFixture.DownloadAsync(user.Client, await PrivacyFixture.ExportAndWaitAsync(host, user.Client));

        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("csv/", StringComparison.Ordinal)))
        {
            using var stream = entry.Open();
            var head = new byte[3];
            Assert.Equal(3, await stream.ReadAtLeastAsync(head, 3, throwOnEndOfStream: false));
            Assert.True(head is [0xEF, 0xBB, 0xBF], $"{entry.FullName} has no UTF-8 BOM");
        }
        var conversations = await EntryTextAsync(zip, "csv/conversations.csv");
        Assert.Contains("Ma question très personnelle", conversations, StringComparison.Ordinal); // accents intact after the BOM
        var header = conversations.TrimStart('\uFEFF').Split('\n')[0];
        Assert.Contains("prompt_tokens", header, StringComparison.Ordinal);
        Assert.Contains("completion_tokens", header, StringComparison.Ordinal);

        using var data = JsonDocument.Parse(zip.GetEntry("data.json")!.Open());
        var answers = data.RootElement.GetProperty("stores").GetProperty("conversations").EnumerateArray()
            .Where(r => r.GetProperty("type").GetString() == "message" && r.GetProperty("role").GetString() == "assistant").ToList();
        Assert.NotEmpty(answers);
        // The offline coach counts the tokens it writes; what the conversation store holds is what the export shows.
        var stored = await host.Storage.TableAsync("conversations");
        await foreach (var row in stored.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.PartitionKey == user.UserId))
        {
            if (row.GetString("Role") != "assistant") continue;
            var id = row.RowKey[(row.RowKey.IndexOf('-', StringComparison.Ordinal) + 1)..];
            var exported = answers.Single(a => a.GetProperty("message_id").GetString() == id);
            Assert.Equal(row.GetInt32("CompletionTokens") ?? 0, exported.GetProperty("completion_tokens").GetInt32());
            Assert.Equal(row.GetInt32("PromptTokens") ?? 0, exported.GetProperty("prompt_tokens").GetInt32());
            Assert.True(exported.GetProperty("completion_tokens").GetInt32() > 0, "the stored completion tokens are not exported");
        }
    }

    private static async Task<string> EntryTextAsync(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync();
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

    [Theory]
    [InlineData("%5C%5C")] // a backslash: no table key can hold it (was a 500, found by the fuzz suite)
    [InlineData("a%23b")]
    public async Task An_export_id_no_table_key_can_hold_is_a_404_problem(string rawId)
    {
        using var user = await Users.SignUpAsync(host);
        using var response = await user.GetAsync($"/api/me/exports/{rawId}/download");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
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
