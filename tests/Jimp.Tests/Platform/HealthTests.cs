using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

[Collection(SharedHostCollection.Name)]
public sealed class HealthTests(SharedHost shared)
{
    [Fact]
    public async Task Health_is_200_with_storage_ok_against_Azurite()
    {
        await using var host = shared.ForTest();
        using var response = await host.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ok", body.GetProperty("storage").GetString());
        Assert.Equal("offline", body.GetProperty("model").GetString());
        Assert.Equal("not-configured", body.GetProperty("trends").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("version").GetString()));
    }

    [Fact]
    public async Task Health_is_503_with_storage_unreachable_when_storage_does_not_answer()
    {
        // Port 9 on loopback: nothing listens there. The SAS is a dummy, not a credential.
        await using var host = await JimpTestHost.StartAsync(o =>
            o.Settings["Storage:ConnectionString"] =
                "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;SharedAccessSignature=sv=2020-08-04&sig=none");
        using var response = await host.Client.GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("unreachable", body.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Health_reports_the_configured_model_and_trend_source()
    {
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Model:Provider"] = "openai-compatible";
            o.Settings["Model:Endpoint"] = "http://127.0.0.1:11434/v1";
            o.Settings["Model:Name"] = "llama3.2";
            o.Settings["Trends:BaseUrl"] = "http://127.0.0.1:9/creative_radar_api/v1/";
        });
        var body = await host.Client.GetFromJsonAsync<JsonElement>("/api/health");

        Assert.Equal("openai-compatible", body.GetProperty("model").GetString());
        Assert.Equal("configured", body.GetProperty("trends").GetString());
    }
}
