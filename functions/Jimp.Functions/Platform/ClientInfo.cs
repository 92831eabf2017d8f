using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
    /// The client's address. Each proxy in front of the app appends the address it received the request from to
    /// <c>X-Forwarded-For</c>; only the last <see cref="ClientAddressOptions.TrustedProxyHops"/> entries were written by
    /// proxies of this deployment, so the client is the entry that many places from the right. Entries further left
    /// are whatever the client claimed (a forged header cannot choose its own address). With no trusted hop
    /// (the DevHost on a developer's machine) the header is ignored and the socket's address is the client.
    /// </summary>
    public static IPAddress? ClientIp(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hops = request.HttpContext.RequestServices?.GetService<IOptions<ClientAddressOptions>>()?.Value.TrustedProxyHops ?? 0;
        return ClientIp(request.Headers["X-Forwarded-For"].ToString(), request.HttpContext.Connection.RemoteIpAddress, hops);
    }

    /// <summary>The address <paramref name="trustedProxyHops"/> entries from the right of the header, else the socket's.</summary>
    public static IPAddress? ClientIp(string? forwardedFor, IPAddress? socketAddress, int trustedProxyHops)
    {
        if (trustedProxyHops <= 0 || string.IsNullOrWhiteSpace(forwardedFor))
        {
            return socketAddress;
        }
        var entries = forwardedFor.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length == 0) return socketAddress;
        // Fewer entries than trusted hops: the leftmost was still written by one of our proxies.
        var entry = entries[Math.Max(0, entries.Length - trustedProxyHops)];
        // Azure's front end may append the port (1.2.3.4:5678, [2001:db8::1]:443).
        return IPEndPoint.TryParse(entry, out var endpoint) ? endpoint.Address : socketAddress;
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

/// <summary>Which address is the client's (section <c>ClientAddress</c>).</summary>
public sealed class ClientAddressOptions
{
    public const string Section = "ClientAddress";

    /// <summary>
    /// How many proxies of this deployment append to <c>X-Forwarded-For</c> before the app sees the request. Bicep sets
    /// 1 (Azure's front end of the function app); 0 (the default, the DevHost) ignores the header.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 5)]
    public int TrustedProxyHops { get; set; }
}
