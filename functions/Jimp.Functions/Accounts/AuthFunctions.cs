using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Accounts;

public sealed class AuthFunctions(AccountService accounts, SessionAuth auth)
{
    private static readonly object LinkSent = new
    {
        status = "sent",
        message = "If this address can receive e-mail, a sign-in link is on its way. It works once, for 15 minutes.",
    };

    [Function(nameof(RequestSignInLink))]
    [PublicEndpoint("Signing in starts without a session; the answer is the same whether or not the address has an account.")]
    public async Task<IResult> RequestSignInLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/link")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<LinkRequest>(cancellationToken);
        await accounts.RequestLinkAsync(body, request, cancellationToken);
        return TypedResults.Accepted((string?)null, LinkSent);
    }

    [Function(nameof(VerifySignInLink))]
    [PublicEndpoint("The token from the e-mailed link is the credential; a GET never signs anyone in.")]
    public async Task<IResult> VerifySignInLink(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/verify")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<VerifyRequest>(cancellationToken);
        var (outcome, user) = await accounts.VerifyAsync(body.Token!, body.ReplaceSession, request, cancellationToken);
        return TypedResults.Ok(new { outcome = outcome == VerifyOutcome.SignedIn ? "signed-in" : "email-changed", user });
    }

    [Function(nameof(Logout))]
    public async Task<IResult> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        await accounts.LogoutAsync(user, request, cancellationToken);
        return TypedResults.NoContent();
    }

    [Function(nameof(LogoutEverywhere))]
    public async Task<IResult> LogoutEverywhere(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout-all")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var revoked = await accounts.LogoutAllAsync(user, request, cancellationToken);
        return TypedResults.Ok(new { revoked });
    }
}
