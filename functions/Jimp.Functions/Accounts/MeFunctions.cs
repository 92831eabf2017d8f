using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Accounts;

public sealed class MeFunctions(AccountService accounts, SessionAuth auth, SecurityLog securityLog)
{
    [Function(nameof(GetMe))]
    public async Task<IResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        return TypedResults.Ok(await accounts.GetSummaryAsync(user, cancellationToken));
    }

    [Function(nameof(ChangeEmail))]
    public async Task<IResult> ChangeEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/email")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var body = await request.ReadJsonAsync<EmailChangeRequest>(cancellationToken);
        await accounts.RequestEmailChangeAsync(user, body, request, cancellationToken);
        return TypedResults.Accepted((string?)null, new { status = "sent", message = "Follow the link sent to the new address to confirm the change." });
    }

    [Function(nameof(GetMyActivity))]
    public async Task<IResult> GetMyActivity(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/activity")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        return TypedResults.Ok(new { events = await securityLog.RecentAsync(user.UserId, max: 50, months: 3, cancellationToken) });
    }
}
