using System.ComponentModel.DataAnnotations;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Jimp.Functions.Privacy;

public sealed record ErasureRequest([property: Required(ErrorMessage = "Type your e-mail address to confirm.")] string? Confirm);

public sealed record ErasureStarted(string RequestId, string Status);

public sealed class ErasureFunctions(AccountStore accounts, RequestTracker requests)
{
    /// <summary>Deletes the account and everything of it; the e-mail address typed again confirms it.</summary>
    [Function(nameof(RequestErasure))]
    [ApiRequest(typeof(ErasureRequest))]
    [ApiResponse(202, typeof(ErasureStarted), Description = "Erasing; the session cookie is cleared.")]
    public async Task<IResult> RequestErasure(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/me/erasure")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var body = await request.ReadJsonAsync<ErasureRequest>(cancellationToken);
        var account = await accounts.GetAsync(user.UserId, cancellationToken) ?? throw ProblemException.Unauthorized();
        if (AccountStore.NormaliseEmail(body.Confirm ?? "") != account.Email)
        {
            throw RequestValidationException.For("confirm", "Type the e-mail address of your account exactly to confirm the deletion.");
        }
        var opened = await requests.OpenAsync(user.UserId, RequestTypes.Erasure, cancellationToken);
        await ErasureOrchestration.ScheduleAsync(client, new ErasureInput(user.UserId, opened.Id, ErasureReasons.UserRequest), cancellationToken);
        SessionAuth.ClearCookie(request.HttpContext.Response);
        return TypedResults.Accepted((string?)null, new ErasureStarted(opened.Id, "erasing"));
    }
}
