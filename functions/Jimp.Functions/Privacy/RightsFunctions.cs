using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Privacy;

/// <summary>The privacy center's rights: consents, restriction, objection, and the list of the user's requests.</summary>
public sealed class RightsFunctions(SessionAuth auth, Platform.UserCaps caps, RightsService rights)
{
    [Function(nameof(GetMyConsents))]
    public async Task<IResult> GetMyConsents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/consents")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        return TypedResults.Ok(new { items = await rights.ConsentsAsync(user, cancellationToken) });
    }

    [Function(nameof(PutMyConsent))]
    public async Task<IResult> PutMyConsent(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/consents/{purpose}")] HttpRequest request, string purpose, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        if (ConsentPurposes.Find(purpose) is null) throw ProblemException.NotFound("consent purpose");
        var body = await request.ReadJsonAsync<ConsentChange>(cancellationToken);
        await caps.HitAsync(user.UserId, Platform.UserCap.ConsentChange, cancellationToken);
        return TypedResults.Ok(await rights.SetConsentAsync(user, purpose, body.Granted!.Value, ConsentChannels.Web, request, cancellationToken));
    }

    [Function(nameof(RestrictMyProcessing))]
    public async Task<IResult> RestrictMyProcessing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/restriction")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        return TypedResults.Ok(new { restricted = await rights.RestrictAsync(user, request, cancellationToken) });
    }

    [Function(nameof(LiftMyRestriction))]
    public async Task<IResult> LiftMyRestriction(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "me/restriction")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        return TypedResults.Ok(new { restricted = await rights.LiftRestrictionAsync(user, request, cancellationToken) });
    }

    [Function(nameof(PutMyObjection))]
    public async Task<IResult> PutMyObjection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/objection")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var body = await request.ReadJsonAsync<ObjectionChange>(cancellationToken);
        return TypedResults.Ok(new { objectsToInsights = await rights.SetObjectionAsync(user, body.Insights!.Value, request, cancellationToken) });
    }

    [Function(nameof(GetMyRequests))]
    public async Task<IResult> GetMyRequests(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/requests")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        return TypedResults.Ok(new { items = await rights.RequestsAsync(user, cancellationToken) });
    }
}
