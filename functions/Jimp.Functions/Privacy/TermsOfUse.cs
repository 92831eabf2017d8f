using System.Collections.Concurrent;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Privacy;

/// <summary>The CGU's published versions (<c>docs/terms</c>); a service of its own so a test or the DevHost can serve others.</summary>
public sealed record TermsDocuments(PolicyDocuments Documents)
{
    public static TermsDocuments Embedded { get; } = new(PolicyDocuments.EmbeddedTerms);
}

/// <summary>
/// The terms of use (CGU), the contract that "performance of a contract" (Art. 6(1)(b)) rests on: versioned
/// documents in <c>docs/terms</c>, FR (authoritative) and EN, under the policy's notice rule
/// (<see cref="PolicySchedule"/>): the first version and non-material ones are in force on their date; a material
/// version only from <c>max(effective, announcement completed + 30 days)</c>, and never while its announcement
/// (<see cref="TermsAnnouncements"/>, from the console) has not completed. The completed announcements are read
/// from the <c>terms</c> partition of <c>policyannouncements</c>, kept a minute per storage prefix, like
/// <see cref="PolicyCalendar"/>; an announcement that completes here forgets them at once.
/// </summary>
public sealed class TermsOfUse(TermsDocuments terms, JimpStorage storage, TimeProvider clock)
{
    /// <summary>The CGU's partition of <c>policyannouncements</c> (the policy's is <see cref="PolicyAnnouncements.Partition"/>).</summary>
    public const string Partition = "terms";

    private static readonly TimeSpan Fresh = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, PolicySchedule Schedule)> cache = new(StringComparer.Ordinal);

    public PolicyDocuments Documents => terms.Documents;

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>When each CGU version is in force, given the completed announcements.</summary>
    public async ValueTask<PolicySchedule> ScheduleAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(storage.Prefix, out var hit) && (now - hit.At).Duration() < Fresh) return hit.Schedule;
        var schedule = Documents.Schedule(await PolicyCalendar.CompletedAnnouncementsAsync(storage, Partition, cancellationToken));
        cache[storage.Prefix] = (now, schedule);
        return schedule;
    }

    /// <summary>The version in force today: the one sign-up and sign-in must accept.</summary>
    public async ValueTask<PolicyVersion> CurrentAsync(CancellationToken cancellationToken) => (await ScheduleAsync(cancellationToken)).Current(Today);

    public void Forget() => cache.Clear();
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
    public async Task<IResult> GetTerms([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/terms")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = await terms.CurrentAsync(cancellationToken);
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
