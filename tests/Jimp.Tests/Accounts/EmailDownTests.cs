using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Jimp.Tests.Support;

namespace Jimp.Tests.Accounts;

/// <summary>With the mail server down, asking for a sign-in link says so (503), and does not use up the hourly budget.</summary>
public sealed class EmailDownTests
{
    /// <summary>A local port nobody listens on: connecting to it is refused at once, like a stopped mail server.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Smtp_down_answers_503_email_unavailable_and_does_not_count_against_the_link_budget()
    {
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Email:Port"] = ClosedPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            o.Settings["Accounts:LinksPerAddressPerHour"] = "2";
            o.Settings["Accounts:LinksPerIpPerHour"] = "2";
        });
        var email = Users.NewEmail("smtp-down");
        // More attempts than the budget allows: none of them sent anything, so none of them counts.
        for (var i = 0; i < 4; i++)
        {
            using var response = await Users.RequestLinkAsync(host, Users.LinkBody(email));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("email-unavailable", problem.GetProperty("code").GetString());
            Assert.Contains("try again in a few minutes", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.True(response.Headers.Contains("Retry-After"));
        }
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains(email, StringComparison.OrdinalIgnoreCase));
    }
}
