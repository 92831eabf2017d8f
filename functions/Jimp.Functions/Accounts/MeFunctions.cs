using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Accounts;

public sealed record ActivityList(IReadOnlyList<SecurityEvent> Events);

public sealed class MeFunctions(AccountService accounts, SecurityLog securityLog)
{
    [Function(nameof(GetMe))]
    [ApiResponse(200, typeof(UserSummary))]
    public async Task<IResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(await accounts.GetSummaryAsync(user, cancellationToken));
    }

    [Function(nameof(ChangeEmail))]
    [ApiRequest(typeof(EmailChangeRequest))]
    [ApiResponse(202, typeof(SentNotice))]
    public async Task<IResult> ChangeEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "me/email")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var body = await request.ReadJsonAsync<EmailChangeRequest>(cancellationToken);
        await accounts.RequestEmailChangeAsync(user, body, ClientInfo.From(request), cancellationToken);
        return TypedResults.Accepted((string?)null, new SentNotice("sent", "Follow the link sent to the new address to confirm the change."));
    }

    [Function(nameof(GetMyActivity))]
    [ApiResponse(200, typeof(ActivityList), Description = "The last 3 months of the security log, newest first.")]
    public async Task<IResult> GetMyActivity(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/activity")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(new ActivityList(await securityLog.RecentAsync(user.UserId, max: 50, months: 3, cancellationToken)));
    }
}
