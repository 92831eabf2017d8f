using Jimp.DevHost;
using Jimp.Functions.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jimp.Tests.Platform;

/// <summary>JIMP_PORT moves the DevHost, and with it the URL of e-mail links and the Origin the API accepts.</summary>
public sealed class PublicUrlTests
{
    private static async Task<string> PublicBaseUrlOf(params string[] args)
    {
        await using var app = DevHostApp.Build(args);
        return app.Services.GetRequiredService<IOptions<AppOptions>>().Value.PublicBaseUrl;
    }

    [Fact]
    public async Task JIMP_PORT_sets_the_default_public_url()
    {
        Assert.Equal("http://127.0.0.1:7345", await PublicBaseUrlOf("--JIMP_PORT=7345"));
    }

    [Fact]
    public async Task Without_JIMP_PORT_the_public_url_is_the_default_port()
    {
        Assert.Equal($"http://127.0.0.1:{DevHostApp.DefaultPort}", await PublicBaseUrlOf());
    }

    [Fact]
    public async Task An_explicit_public_url_wins_over_JIMP_PORT()
    {
        Assert.Equal("https://jimp.example.test", await PublicBaseUrlOf("--JIMP_PORT=7345", "--App:PublicBaseUrl=https://jimp.example.test"));
    }
}
