using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Platform;

/// <summary>What JIMP keeps of a client: the IP truncated (/24 for IPv4, /48 for IPv6) and the user-agent family.</summary>
public sealed record ClientInfo(string IpPrefix, string UserAgentFamily)
{
    public static ClientInfo From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ClientInfo(TruncateIp(ClientIp(request)), UserAgentFamilyOf(request.Headers.UserAgent.ToString()));
    }

    /// <summary>
    /// The client's address: the last X-Forwarded-For hop (the one Azure's front end appended; earlier hops
    /// are whatever the client claimed), else the socket's.
    /// </summary>
    public static IPAddress? ClientIp(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        if (!string.IsNullOrWhiteSpace(forwarded))
        {
            var first = forwarded.Split(',')[^1].Trim();
            // Azure may append the port (1.2.3.4:5678).
            if (IPEndPoint.TryParse(first, out var endpoint)) return endpoint.Address;
        }
        return request.HttpContext.Connection.RemoteIpAddress;
    }

    public static string TruncateIp(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes) + "/24";
        }
        for (var i = 6; i < bytes.Length; i++) bytes[i] = 0;
        return new IPAddress(bytes) + "/48";
    }

    public static string UserAgentFamilyOf(string userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return "unknown";
        string[] families = ["Edg", "OPR", "SamsungBrowser", "Firefox", "Chrome", "Chromium", "Safari"];
        var family = families.FirstOrDefault(f => userAgent.Contains(f + "/", StringComparison.Ordinal)) ?? "other";
        var os = userAgent.Contains("Android", StringComparison.Ordinal) ? "Android"
            : userAgent.Contains("iPhone", StringComparison.Ordinal) || userAgent.Contains("iPad", StringComparison.Ordinal) ? "iOS"
            : userAgent.Contains("Windows", StringComparison.Ordinal) ? "Windows"
            : userAgent.Contains("Mac OS X", StringComparison.Ordinal) ? "macOS"
            : userAgent.Contains("Linux", StringComparison.Ordinal) ? "Linux"
            : "other";
        return (family == "Edg" ? "Edge" : family == "OPR" ? "Opera" : family) + " on " + os;
    }
}
