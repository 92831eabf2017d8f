using System.Net;
using Jimp.Functions.Platform;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

/// <summary>
/// Which address is the client's behind the deployment's proxies (ClientAddress:TrustedProxyHops, set by Bicep):
/// headers as Azure's front end sends them, and clients that forge X-Forwarded-For.
/// </summary>
public sealed class ClientAddressTests
{
    private static readonly IPAddress Socket = IPAddress.Parse("10.0.0.4");

    [Theory]
    // One trusted hop (Azure's front end appends the address it saw, sometimes with a port).
    [InlineData("203.0.113.7", 1, "203.0.113.7")]
    [InlineData("203.0.113.7:51234", 1, "203.0.113.7")]
    [InlineData("[2001:db8::5]:443", 1, "2001:db8::5")]
    // A forged entry sits to the left of what the front end appended: ignored.
    [InlineData("6.6.6.6, 203.0.113.7", 1, "203.0.113.7")]
    [InlineData("6.6.6.6,1.1.1.1,  203.0.113.7", 1, "203.0.113.7")]
    // Two trusted hops (a proxy in front of the front end): the client is second from the right.
    [InlineData("6.6.6.6, 203.0.113.7, 10.1.2.3", 2, "203.0.113.7")]
    // No trusted hop (the DevHost): the header is ignored, the socket is the client.
    [InlineData("6.6.6.6", 0, "10.0.0.4")]
    // Garbage from the proxy side: the socket, never a parse error.
    [InlineData("not-an-address", 1, "10.0.0.4")]
    [InlineData("", 1, "10.0.0.4")]
    public void The_client_is_the_entry_written_by_the_outermost_trusted_proxy(string header, int hops, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), ClientInfo.ClientIp(header, Socket, hops));
    }

    [Fact]
    public async Task A_client_forging_X_Forwarded_For_still_hits_its_own_per_ip_limit()
    {
        await using var host = await JimpTestHost.StartAsync(o => o.Settings["Accounts:LinksPerIpPerHour"] = "3");
        for (var i = 0; i < 3; i++)
        {
            // A new forged address every time; the front end appends the real one.
            using var ok = await Users.RequestLinkAsync(host, Users.LinkBody(Users.NewEmail("forge")), forwardedFor: $"198.51.100.{i + 1}, 203.0.113.7");
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        }
        using var limited = await Users.RequestLinkAsync(host, Users.LinkBody(Users.NewEmail("forge")), forwardedFor: "192.0.2.200, 203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        // Another real client behind the same front end is not in that bucket (forging the first client's address).
        using var other = await Users.RequestLinkAsync(host, Users.LinkBody(Users.NewEmail("forge")), forwardedFor: "203.0.113.7, 198.51.100.77");
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }
}
