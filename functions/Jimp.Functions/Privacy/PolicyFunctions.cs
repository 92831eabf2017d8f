using Jimp.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Privacy;

public sealed class PolicyFunctions(PolicyDocuments policies, TimeProvider clock)
{
    [Function(nameof(GetPolicy))]
    [PublicEndpoint("The privacy policy must be readable before anyone signs up.")]
    public IResult GetPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "policy")] HttpRequest request)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var requested = request.Query["version"].ToString();
        var current = policies.Current(today);
        var shown = requested.Length == 0 ? current : policies.Versions.FirstOrDefault(v => v.Version == requested)
            ?? throw Platform.Http.ProblemException.NotFound("policy version");
        return TypedResults.Ok(new
        {
            current = current.Version,
            upcoming = policies.Upcoming(today) is { } up ? new { up.Version, up.Effective, up.Material } : null,
            versions = policies.Versions.Select(v => new { v.Version, v.Date, v.Effective, v.Material, languages = v.ByLanguage.Keys }),
            version = shown.Version,
            shown.Date,
            shown.Effective,
            shown.Material,
            documents = shown.ByLanguage.ToDictionary(kv => kv.Key, kv => kv.Value.Markdown),
        });
    }
}
