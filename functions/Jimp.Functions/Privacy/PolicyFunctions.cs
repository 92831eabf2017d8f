using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Privacy;

public sealed record PolicyVersionSummary(string Version, DateOnly Date, DateOnly Effective, bool Material, IReadOnlyList<string> Languages);

/// <summary>The policy shown (the current one, or <c>?version=</c>), with every version and the upcoming one.</summary>
/// <param name="MinimumAge">The minimum age to use JIMP as configured (<c>Accounts:MinimumAge</c>): the sign-up form states it.</param>
public sealed record PolicyResponse(
    string Current,
    Accounts.UpcomingPolicy? Upcoming,
    IReadOnlyList<PolicyVersionSummary> Versions,
    string Version,
    DateOnly Date,
    DateOnly Effective,
    bool Material,
    IReadOnlyDictionary<string, string> Documents,
    int MinimumAge);

public sealed class PolicyFunctions(PolicyCalendar calendar, Microsoft.Extensions.Options.IOptions<Accounts.AccountsOptions> accounts, TimeProvider clock)
{
    [Function(nameof(GetPolicy))]
    [PublicEndpoint("The privacy policy must be readable before anyone signs up.")]
    [ApiQuery("version", "A past or upcoming version; the current one without it.")]
    [ApiResponse(200, typeof(PolicyResponse), Description = "documents maps a language (fr, en) to the Markdown text.")]
    public async Task<IResult> GetPolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "policy")] HttpRequest request, CancellationToken cancellationToken)
    {
        var policies = await calendar.GetAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var requested = request.Query["version"].ToString();
        var current = policies.Current(today);
        var shown = requested.Length == 0 ? current : policies.Versions.FirstOrDefault(v => v.Version == requested)
            ?? throw Platform.Http.ProblemException.NotFound("policy version");
        return TypedResults.Ok(new PolicyResponse(
            current.Version,
            policies.Upcoming(today) is { } up ? new Accounts.UpcomingPolicy(up.Version, policies.InForceFrom(up)!.Value, up.Material) : null,
            policies.Versions.Select(v => new PolicyVersionSummary(v.Version, v.Date, v.Effective, v.Material, v.ByLanguage.Keys.ToList())).ToList(),
            shown.Version,
            shown.Date,
            shown.Effective,
            shown.Material,
            shown.ByLanguage.ToDictionary(kv => kv.Key, kv => kv.Value.Markdown),
            accounts.Value.MinimumAge));
    }
}
