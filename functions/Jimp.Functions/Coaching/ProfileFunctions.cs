using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Coaching;

public sealed class ProfileFunctions(SessionAuth auth, ProfileStore profiles, SessionStore sessions, TimeProvider clock)
{
    [Function(nameof(GetProfileOptions))]
    [PublicEndpoint("The allowed values of the profile form: the same for everyone, nothing personal.")]
    public IResult GetProfileOptions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "profile/options")] HttpRequest request)
    {
        static object[] Map(IEnumerable<ProfileOption> options) => options.Select(o => (object)new { id = o.Id, fr = o.LabelFr, en = o.LabelEn }).ToArray();
        return TypedResults.Ok(new
        {
            niches = Map(ProfileOptions.Niches),
            goals = Map(ProfileOptions.Goals),
            experience = Map(ProfileOptions.ExperienceLevels),
            learningStyles = Map(ProfileOptions.LearningStyles),
            countries = Map(ProfileOptions.Countries),
            languages = Map(ProfileOptions.Languages),
            maxNiches = ProfileOptions.MaxNiches,
            nicheDetailsMaxLength = ProfileOptions.NicheDetailsMaxLength,
        });
    }

    [Function(nameof(GetMyProfile))]
    public async Task<IResult> GetMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/profile")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var found = await profiles.GetAsync(user.UserId, cancellationToken)
            ?? throw new ProblemException(404, "No profile yet.", "Tell JIMP about your niche and goals first.") { Code = "no-profile" };
        return TypedResults.Ok(ToView(found.Profile, found.UpdatedAt));
    }

    /// <summary>Creates or rectifies the profile; the coach uses it from the next turn on.</summary>
    [Function(nameof(PutMyProfile))]
    public async Task<IResult> PutMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "me/profile")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var profile = await request.ReadJsonAsync<CoachProfile>(cancellationToken);
        profile.ThrowIfInvalid();
        var now = clock.GetUtcNow();
        await profiles.SaveAsync(user.UserId, profile, now, cancellationToken);
        await sessions.UpdateContextAsync(user.UserId, new SessionContext(user.Restricted, ProfileStore.Serialize(profile)), cancellationToken);
        return TypedResults.Ok(ToView(profile, now));
    }

    private static object ToView(CoachProfile p, DateTimeOffset updatedAt) => new
    {
        p.Niches,
        p.NicheDetails,
        p.Goals,
        p.MonthlyCommissionTargetEur,
        p.Experience,
        p.LearningStyle,
        p.Country,
        p.Language,
        updatedAt,
    };
}
