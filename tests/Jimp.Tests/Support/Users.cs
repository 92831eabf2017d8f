using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Jimp.Tests.Support;

/// <summary>A browser-like client for one signed-in user: the session cookie and the app's Origin on every call.</summary>
public sealed class UserClient(JimpTestHost host, string email, string cookie, string userId) : IDisposable
{
    private readonly HttpClient http = host.NewClient();

    public string Email { get; } = email;

    public string Cookie { get; set; } = cookie;

    public string UserId { get; } = userId;

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = body as HttpContent ?? JsonContent.Create(body); // a CSV upload sends its own content
        request.Headers.Add("Cookie", $"jimp_session={Cookie}");
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        return await http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public void Dispose() => http.Dispose();
}

public static partial class Users
{
    public static string NewEmail(string hint = "user") => $"{hint}-{Guid.NewGuid():N}@example.test";

    public static object LinkBody(string email, string locale = "fr") =>
        new { email, locale, ageConfirmed = true, acceptedPolicyVersion = "2.0.0", acceptedTermsVersion = "1.0.0" };

    /// <summary>POST /api/auth/link with the app's Origin.</summary>
    public static async Task<HttpResponseMessage> RequestLinkAsync(JimpTestHost host, object body, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/link") { Content = JsonContent.Create(body) };
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await host.Client.SendAsync(request);
    }

    /// <summary>The token of the newest link e-mailed to <paramref name="email"/>, read from the DevHost's mailbox.</summary>
    public static async Task<string> ReadTokenFromMailAsync(JimpTestHost host, string email, int expectedMails = 1)
    {
        var mails = await Eventually.ReadAsync(() => Mailbox.ReadAsync(host, email), m => m.Count >= expectedMails);
        if (mails.Count < expectedMails) throw new InvalidOperationException($"{mails.Count} of {expectedMails} e-mails arrived.");
        return TokenInLink().Match(mails[0].GetProperty("text").GetString()!).Groups[1].Value;
    }

    public static async Task<HttpResponseMessage> VerifyAsync(JimpTestHost host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/verify") { Content = JsonContent.Create(new { token }) };
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        return await host.Client.SendAsync(request);
    }

    /// <summary>Signs up a new user through the real flow (link, mail, verify) and returns their client.</summary>
    public static async Task<UserClient> SignUpAsync(JimpTestHost host, string? email = null, string locale = "fr")
    {
        await TestSmtp.EnsureAsync();
        email ??= NewEmail();
        using (var link = await RequestLinkAsync(host, LinkBody(email, locale)))
        {
            Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        }
        var token = await ReadTokenFromMailAsync(host, email);
        using var verified = await VerifyAsync(host, token);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var cookie = SessionCookie(verified) ?? throw new InvalidOperationException("No session cookie.");
        var body = await verified.Content.ReadFromJsonAsync<JsonElement>();
        return new UserClient(host, email, cookie, body.GetProperty("user").GetProperty("userId").GetString()!);
    }

    /// <summary>Signs the user in again (another browser, or after the session expired): a new session of the same account.</summary>
    public static async Task<UserClient> SignInAgainAsync(JimpTestHost host, UserClient user)
    {
        var before = (await Mailbox.ReadAsync(host, user.Email)).Count;
        using (var link = await RequestLinkAsync(host, LinkBody(user.Email))) Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        var token = await ReadTokenFromMailAsync(host, user.Email, expectedMails: before + 1);
        using var verified = await VerifyAsync(host, token);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        return new UserClient(host, user.Email, SessionCookie(verified)!, user.UserId);
    }

    /// <summary>The value of the jimp_session cookie a response set, if any.</summary>
    public static string? SessionCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => SessionCookieValue().Match(v)).Where(m => m.Success).Select(m => m.Groups[1].Value).FirstOrDefault()
            : null;

    [GeneratedRegex(@"token=([0-9]{10}[A-Za-z0-9_\-]{43})")]
    private static partial Regex TokenInLink();

    [GeneratedRegex(@"^jimp_session=([^;]+);")]
    private static partial Regex SessionCookieValue();
}
