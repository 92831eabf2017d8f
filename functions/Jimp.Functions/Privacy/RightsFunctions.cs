using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Privacy;

public sealed record ConsentList(IReadOnlyList<ConsentView> Items);

public sealed record RestrictionState(bool Restricted);

public sealed record ObjectionState(bool ObjectsToInsights);

public sealed record RequestList(IReadOnlyList<RequestView> Items);

/// <summary>The privacy center's rights: consents, restriction, objection, and the list of the user's requests.</summary>
public sealed class RightsFunctions(Platform.UserCaps caps, RightsService rights)
{
    [Function(nameof(GetMyConsents))]
    [ApiResponse(200, typeof(ConsentList), Description = "Every purpose, off until granted.")]
    public async Task<IResult> GetMyConsents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me/consents")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(new ConsentList(await rights.ConsentsAsync(user, cancellationToken)));
    }

    [Function(nameof(PutMyConsent))]
    [ApiRequest(typeof(ConsentChange))]
    [ApiResponse(200, typeof(ConsentView))]
    public async Task<IResult> PutMyConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/me/consents/{purpose}")] HttpRequest request, string purpose, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        if (ConsentPurposes.Find(purpose) is null) throw ProblemException.NotFound("consent purpose");
        var body = await request.ReadJsonAsync<ConsentChange>(cancellationToken);
        await caps.HitAsync(user.UserId, Platform.UserCap.ConsentChange, cancellationToken);
        return TypedResults.Ok(await rights.SetConsentAsync(user, purpose, body.Granted!.Value, ConsentChannels.Web, ClientInfo.From(request), cancellationToken));
    }

    [Function(nameof(RestrictMyProcessing))]
    [ApiResponse(200, typeof(RestrictionState))]
    public async Task<IResult> RestrictMyProcessing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/me/restriction")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(new RestrictionState(await rights.RestrictAsync(user, ClientInfo.From(request), cancellationToken)));
    }

    [Function(nameof(LiftMyRestriction))]
    [ApiResponse(200, typeof(RestrictionState), Description = "Lifted after the user was told; if that e-mail fails, 503 notice-failed and the restriction stays.")]
    public async Task<IResult> LiftMyRestriction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/me/restriction")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(new RestrictionState(await rights.LiftRestrictionAsync(user, ClientInfo.From(request), cancellationToken)));
    }

    [Function(nameof(PutMyObjection))]
    [ApiRequest(typeof(ObjectionChange))]
    [ApiResponse(200, typeof(ObjectionState))]
    public async Task<IResult> PutMyObjection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/me/objection")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var body = await request.ReadJsonAsync<ObjectionChange>(cancellationToken);
        return TypedResults.Ok(new ObjectionState(await rights.SetObjectionAsync(user, body.Insights!.Value, ClientInfo.From(request), cancellationToken)));
    }

    [Function(nameof(GetMyRequests))]
    [ApiResponse(200, typeof(RequestList), Description = "Newest first; dueAt is the legal due date, extension.until the extended one.")]
    public async Task<IResult> GetMyRequests(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me/requests")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(new RequestList(await rights.RequestsAsync(user, cancellationToken)));
    }
}
