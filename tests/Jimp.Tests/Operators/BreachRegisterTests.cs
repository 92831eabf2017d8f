using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Operators;

public sealed class BreachRegisterTests(ConsoleHost shared) : IClassFixture<ConsoleHost>, IAsyncLifetime
{
    private readonly JimpTestHost host = shared.ForTest();
    private readonly string operatorEmail = shared.NextOperator();
    private UserClient op = null!;

    public async Task InitializeAsync() => op = await Users.SignUpAsync(host, operatorEmail);

    public async Task DisposeAsync()
    {
        op.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task A_breach_gets_a_72_hour_clock_a_draft_with_the_article_33_items_and_a_late_notice_needs_reasons()
    {
        var detected = host.Clock.GetUtcNow().AddHours(-10);
        using (var bad = await op.SendAsync(HttpMethod.Post, "/api/console/breaches", new { detectedAt = detected, nature = "", dataCategories = "e-mail", peopleCount = -1, measures = "" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.True(errors.TryGetProperty("nature", out _) && errors.TryGetProperty("peopleCount", out _) && errors.TryGetProperty("measures", out _), errors.ToString());
        }
        using var created = await op.SendAsync(HttpMethod.Post, "/api/console/breaches", new
        {
            detectedAt = detected,
            nature = "Un export envoyé à une mauvaise adresse",
            dataCategories = "Conversations",
            peopleCount = 1,
            consequences = "Lecture des conversations par un tiers",
            measures = "Lien révoqué, export supprimé",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = view.GetProperty("breach").GetProperty("id").GetString()!;
        Assert.Equal(detected.AddHours(72), view.GetProperty("cnilDeadline").GetDateTimeOffset());
        Assert.Equal(62, view.GetProperty("hoursLeft").GetDouble(), 1);
        Assert.False(view.GetProperty("cnilLate").GetBoolean());
        var draft = view.GetProperty("draft").GetString()!;
        foreach (var item in new[] { "a) Nature", "Un export envoyé à une mauvaise adresse", "Conversations", "c) Conséquences", "d) Mesures", "Lien révoqué", "point de contact" })
        {
            Assert.Contains(item, draft, StringComparison.Ordinal);
        }

        host.Clock.Advance(TimeSpan.FromHours(70));
        // Operator sessions last 8 hours: the owner signs in again for the follow-up.
        using (var stale = await op.GetAsync("/api/console/breaches")) Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        var again = await Users.SignInAgainAsync(host, op);
        op.Dispose();
        op = again;
        using (var late = await op.SendAsync(HttpMethod.Put, $"/api/console/breaches/{id}", new { cnilNotifiedAt = host.Clock.GetUtcNow() }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
            Assert.True((await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("delayReason", out _));
        }
        var updated = await (await op.SendAsync(HttpMethod.Put, $"/api/console/breaches/{id}", new { cnilNotifiedAt = host.Clock.GetUtcNow(), delayReason = "Découverte de l'étendue le troisième jour", highRisk = true })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(updated.GetProperty("cnilLate").GetBoolean());
        Assert.True(updated.GetProperty("peopleMustBeTold").GetBoolean());
        Assert.Contains("Motifs du retard", updated.GetProperty("draft").GetString()!, StringComparison.Ordinal);

        using var csv = await op.GetAsync("/api/console/breaches.csv");
        Assert.Contains("Un export envoyé à une mauvaise adresse", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The evidence pack holds the register of processing, the compliance map, the requests, the breaches and the policy versions.
        using var pack = await op.GetAsync("/api/console/evidence-pack");
        Assert.Equal("application/zip", pack.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await pack.Content.ReadAsStreamAsync());
        Assert.Equal(["README.txt", "breach-register.csv", "compliance-map.md", "policy-versions.csv", "register-of-processing.md", "requests.csv"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using var breaches = new StreamReader(zip.GetEntry("breach-register.csv")!.Open());
        Assert.Contains("Découverte de l'étendue", await breaches.ReadToEndAsync(), StringComparison.Ordinal);
        using var policies = new StreamReader(zip.GetEntry("policy-versions.csv")!.Open());
        Assert.Contains("2.0.0,2026-11-28,2026-11-28,true,true", await policies.ReadToEndAsync(), StringComparison.Ordinal);
    }
}
