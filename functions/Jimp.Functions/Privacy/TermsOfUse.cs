using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Privacy;

/// <summary>
/// The terms of use (CGU), the contract that "performance of a contract" (Art. 6(1)(b)) rests on: versioned
/// documents in <c>docs/terms</c>, FR (authoritative) and EN, under the policy's notice rule
/// (<see cref="PolicySchedule"/>): the first version and non-material ones are in force on their date; a material
/// version only once announced 30 days ahead. No announcement of the CGU exists yet, so a later material version
/// never comes into force until the console can announce it.
/// </summary>
public sealed class TermsOfUse(TimeProvider clock)
{
    public PolicyDocuments Documents { get; } = PolicyDocuments.EmbeddedTerms;

    public PolicySchedule Schedule() => Documents.Schedule();

    /// <summary>The version in force today: the one sign-up and sign-in must accept.</summary>
    public PolicyVersion Current => Schedule().Current(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
}

/// <summary>The terms shown (the version in force, or <c>?version=</c>), with every version.</summary>
public sealed record TermsResponse(
    string Current,
    IReadOnlyList<PolicyVersionSummary> Versions,
    string Version,
    DateOnly Date,
    DateOnly Effective,
    bool Material,
    IReadOnlyDictionary<string, string> Documents);

public sealed class TermsFunctions(TermsOfUse terms)
{
    [Function(nameof(GetTerms))]
    [PublicEndpoint("The terms of use must be readable before anyone accepts them at sign-up.")]
    [ApiQuery("version", "An earlier version; the one in force without it.")]
    [ApiResponse(200, typeof(TermsResponse), Description = "documents maps a language (fr, en) to the Markdown text.")]
    public IResult GetTerms([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/terms")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = terms.Current;
        var requested = request.Query["version"].ToString();
        var shown = requested.Length == 0 ? current : terms.Documents.Versions.FirstOrDefault(v => v.Version == requested)
            ?? throw Platform.Http.ProblemException.NotFound("terms version");
        return TypedResults.Ok(new TermsResponse(
            current.Version,
            terms.Documents.Versions.Select(v => new PolicyVersionSummary(v.Version, v.Date, v.Effective, v.Material, v.ByLanguage.Keys.ToList())).ToList(),
            shown.Version,
            shown.Date,
            shown.Effective,
            shown.Material,
            shown.ByLanguage.ToDictionary(kv => kv.Key, kv => kv.Value.Markdown)));
    }
}
