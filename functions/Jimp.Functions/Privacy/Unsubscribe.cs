using System.Diagnostics.CodeAnalysis;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

/// <summary>The answer of <c>POST /api/unsubscribe</c>: the purpose is now off, whatever it was before.</summary>
public sealed record UnsubscribeResult(string Purpose, string Fr, string En, bool Granted);

/// <summary>
/// The signed unsubscribe links of non-essential e-mails (RFC 8058). The token is
/// <c>{userId}.{purpose}.{signature}</c>, the signature a keyed hash (<see cref="KeyedHashPurposes.Unsubscribe"/>)
/// of the user id and the purpose: it cannot be guessed or moved to another person or purpose, needs no storage and
/// no session, and stays valid as long as the key (a rotation of the key voids the links of older e-mails, which then
/// point to the privacy center).
/// </summary>
public sealed class UnsubscribeLinks(KeyedHash keyedHash, IOptions<AppOptions> app)
{
    public string Token(string userId, string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (ConsentPurposes.Find(purpose) is null) throw new ArgumentException("Unknown consent purpose.", nameof(purpose));
        return $"{userId}.{purpose}.{keyedHash.Sign(KeyedHashPurposes.Unsubscribe, userId + "|" + purpose)}";
    }

    /// <summary>The URL of the <c>List-Unsubscribe</c> header: a POST to it unsubscribes (no cookie, no redirect).</summary>
    public Uri OneClickUrl(string userId, string purpose) =>
        new($"{Base}/api/unsubscribe?t={Uri.EscapeDataString(Token(userId, purpose))}");

    /// <summary>The link in the e-mail's text: the web page that unsubscribes and says so in the user's language.</summary>
    public Uri PageUrl(string userId, string purpose) =>
        new($"{Base}/#/unsubscribe?t={Uri.EscapeDataString(Token(userId, purpose))}");

    /// <summary>The privacy center, where every consent can be managed after signing in.</summary>
    public Uri PrivacyCenterUrl => new($"{Base}/#/privacy");

    public static string PageUrlFor(string publicBaseUrl, string token) =>
        $"{publicBaseUrl.TrimEnd('/')}/#/unsubscribe?t={Uri.EscapeDataString(token)}";

    /// <summary>Whether the token is one this app signed; if so, whose and for which purpose.</summary>
    public bool TryRead(string? token, out string userId, [NotNullWhen(true)] out ConsentPurpose? purpose)
    {
        userId = "";
        purpose = null;
        var parts = (token ?? "").Split('.');
        if (parts.Length != 3 || parts[0].Length != 32 || !parts[0].All(char.IsAsciiHexDigitLower)) return false;
        if (ConsentPurposes.Find(parts[1]) is not { } found) return false;
        if (!keyedHash.Verify(KeyedHashPurposes.Unsubscribe, parts[0] + "|" + parts[1], parts[2])) return false;
        userId = parts[0];
        purpose = found;
        return true;
    }

    private string Base => app.Value.PublicBaseUrl.TrimEnd('/');
}

/// <summary>One-click unsubscribe from the links of non-essential e-mails: no sign-in, the signed token is enough.</summary>
public sealed class UnsubscribeFunctions(RightsService rights, IOptions<AppOptions> app)
{
    /// <summary>
    /// RFC 8058 §3.2: the mailbox provider POSTs <c>List-Unsubscribe=One-Click</c> (form-encoded) to the header's
    /// URL, without cookies; the web page posts the same. Answers 200 (never a redirect) whether or not the consent
    /// was still on, so a second click is harmless; the withdrawal goes to the ledger with the channel <c>email</c>.
    /// </summary>
    [Function(nameof(OneClickUnsubscribe))]
    [ApiQuery("t", "The signed token of the e-mail's unsubscribe link.", Required = true)]
    [ApiResponse(200, typeof(UnsubscribeResult), Description = "The purpose is off; the same answer on every click.")]
    [PublicEndpoint("The person clicks the link of an e-mail, or their mailbox provider posts it (RFC 8058), without a session; the signed token names the person and the purpose.")]
    public async Task<IResult> OneClickUnsubscribe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/unsubscribe")] HttpRequest request, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(await rights.UnsubscribeAsync(request.Query["t"].ToString(), ClientInfo.From(request), cancellationToken));
    }

    /// <summary>A mail client that opens the header's URL with a GET is sent to the web page; a GET never unsubscribes (link scanners fetch it).</summary>
    [Function(nameof(UnsubscribePage))]
    [ApiQuery("t", "The signed token of the e-mail's unsubscribe link.", Required = true)]
    [ApiResponse(303, Description = "To the web page that confirms the unsubscription.")]
    [PublicEndpoint("Opening an e-mail's unsubscribe link needs no session; the GET changes nothing and only redirects to the web page.")]
    public IResult UnsubscribePage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/unsubscribe")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new SeeOther(UnsubscribeLinks.PageUrlFor(app.Value.PublicBaseUrl, request.Query["t"].ToString()));
    }

    /// <summary>303 See Other to the page (TypedResults' redirects are 301/302/307/308 and declare no status code).</summary>
    private sealed class SeeOther(string location) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusCodes.Status303SeeOther;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
