using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Coaching;

public sealed record ProfileOptionView(string Id, string Fr, string En);

/// <summary>The allowed values of each profile field, with their labels.</summary>
public sealed record ProfileOptionsResponse(
    IReadOnlyList<ProfileOptionView> Niches,
    IReadOnlyList<ProfileOptionView> Goals,
    IReadOnlyList<ProfileOptionView> Experience,
    IReadOnlyList<ProfileOptionView> LearningStyles,
    IReadOnlyList<ProfileOptionView> Countries,
    IReadOnlyList<ProfileOptionView> Languages,
    int MaxNiches,
    int NicheDetailsMaxLength);

/// <summary>The creator's coaching profile as stored, with when it last changed.</summary>
public sealed record ProfileView(
    IReadOnlyList<string> Niches,
    string? NicheDetails,
    IReadOnlyList<string> Goals,
    int? MonthlyCommissionTargetEur,
    string Experience,
    string LearningStyle,
    string Country,
    string Language,
    DateTimeOffset UpdatedAt);

public sealed class ProfileFunctions(ProfileStore profiles, SessionStore sessions, TimeProvider clock)
{
    [Function(nameof(GetProfileOptions))]
    [PublicEndpoint("The allowed values of the profile form: the same for everyone, nothing personal.")]
    [ApiResponse(200, typeof(ProfileOptionsResponse))]
    public IResult GetProfileOptions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/profile/options")] HttpRequest request)
    {
        static ProfileOptionView[] Map(IEnumerable<ProfileOption> options) => options.Select(o => new ProfileOptionView(o.Id, o.LabelFr, o.LabelEn)).ToArray();
        return TypedResults.Ok(new ProfileOptionsResponse(
            Map(ProfileOptions.Niches),
            Map(ProfileOptions.Goals),
            Map(ProfileOptions.ExperienceLevels),
            Map(ProfileOptions.LearningStyles),
            Map(ProfileOptions.Countries),
            Map(ProfileOptions.Languages),
            ProfileOptions.MaxNiches,
            ProfileOptions.NicheDetailsMaxLength));
    }

    [Function(nameof(GetMyProfile))]
    [ApiResponse(200, typeof(ProfileView))]
    public async Task<IResult> GetMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me/profile")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var found = await profiles.GetAsync(user.UserId, cancellationToken)
            ?? throw new ProblemException(404, "No profile yet.", "Tell JIMP about your niche and goals first.") { Code = "no-profile" };
        return TypedResults.Ok(ToView(found.Profile, found.UpdatedAt));
    }

    /// <summary>Creates or rectifies the profile; the coach uses it from the next turn on.</summary>
    [Function(nameof(PutMyProfile))]
    [ApiRequest(typeof(CoachProfile))]
    [ApiResponse(200, typeof(ProfileView))]
    public async Task<IResult> PutMyProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/me/profile")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var profile = (await request.ReadJsonAsync<CoachProfile>(cancellationToken)).Normalized();
        profile.ThrowIfInvalid();
        var now = clock.GetUtcNow();
        await profiles.SaveAsync(user.UserId, profile, now, cancellationToken);
        await sessions.UpdateContextAsync(user.UserId, new SessionContext(user.Restricted, ProfileStore.Serialize(profile)), cancellationToken);
        return TypedResults.Ok(ToView(profile, now));
    }

    private static ProfileView ToView(CoachProfile p, DateTimeOffset updatedAt) =>
        new(p.Niches, p.NicheDetails, p.Goals, p.MonthlyCommissionTargetEur, p.Experience, p.LearningStyle, p.Country, p.Language, updatedAt);
}
