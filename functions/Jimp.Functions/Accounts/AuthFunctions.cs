using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Accounts;

/// <summary>An e-mail is on its way (or would be: the answer is the same whether or not the address has an account).</summary>
public sealed record SentNotice(string Status, string Message);

/// <summary>The answer of a followed link: who is signed in now, and whether the link signed in or changed the address.</summary>
public sealed record VerifyResponse(string Outcome, UserSummary User);

public sealed record RevokedSessions(int Revoked);

public sealed class AuthFunctions(AccountService accounts, SessionAuth auth)
{
    private static readonly SentNotice LinkSent = new("sent", "If this address can receive e-mail, a sign-in link is on its way. It works once, for 15 minutes.");

    [Function(nameof(RequestSignInLink))]
    [PublicEndpoint("Signing in starts without a session; the answer is the same whether or not the address has an account.")]
    [ApiRequest(typeof(LinkRequest))]
    [ApiResponse(202, typeof(SentNotice))]
    [ApiResponse(503, ContentType = Problems.ContentType, Description = "email-unavailable: the mail server is down; this request did not count against the hourly limit.")]
    public async Task<IResult> RequestSignInLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/link")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<LinkRequest>(cancellationToken);
        auth.RequireSameOrigin(request);
        await accounts.RequestLinkAsync(body, ClientInfo.From(request), cancellationToken);
        return TypedResults.Accepted((string?)null, LinkSent);
    }

    [Function(nameof(VerifySignInLink))]
    [PublicEndpoint("The token from the e-mailed link is the credential; a GET never signs anyone in.")]
    [ApiRequest(typeof(VerifyRequest))]
    [ApiResponse(200, typeof(VerifyResponse), Description = "Signed in; the session cookie is set.")]
    public async Task<IResult> VerifySignInLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/verify")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<VerifyRequest>(cancellationToken);
        auth.RequireSameOrigin(request);
        var current = await auth.FindUserAsync(request, cancellationToken);
        var result = await accounts.VerifyAsync(body.Token!, body.ReplaceSession, current, ClientInfo.From(request), cancellationToken);
        if (result.Session is { } session) auth.SetCookie(request.HttpContext.Response, session.Cookie, session.ExpiresAt);
        return TypedResults.Ok(new VerifyResponse(result.Outcome == VerifyOutcome.SignedIn ? "signed-in" : "email-changed", result.User));
    }

    [Function(nameof(Logout))]
    [ApiResponse(204, Description = "Signed out; the cookie is cleared.")]
    public async Task<IResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        await accounts.LogoutAsync(user, ClientInfo.From(request), cancellationToken);
        SessionAuth.ClearCookie(request.HttpContext.Response);
        return TypedResults.NoContent();
    }

    [Function(nameof(LogoutEverywhere))]
    [ApiResponse(200, typeof(RevokedSessions))]
    public async Task<IResult> LogoutEverywhere(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout-all")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var revoked = await accounts.LogoutAllAsync(user, ClientInfo.From(request), cancellationToken);
        SessionAuth.ClearCookie(request.HttpContext.Response);
        return TypedResults.Ok(new RevokedSessions(revoked));
    }
}
