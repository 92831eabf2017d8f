using System.Globalization;
using Jimp.Functions.Platform.Http;

namespace Jimp.Functions.Coaching;

/// <summary>
/// What a creator tells the coach about themselves. Ids only (never labels) so a profile reads the same in
/// every language; <see cref="ProfileOptions"/> holds the allowed ids and their labels.
/// </summary>
public sealed record CoachProfile
{
    /// <summary>0 to 3 ids from <see cref="Coaching.Niches.All"/>. Optional (policy §2: the profile improves the advice, it is
    /// never required); none means general advice and trends across every industry.</summary>
    public IReadOnlyList<string> Niches { get; init; } = [];

    /// <summary>Optional free text (at most 200 characters). User text: it never goes into a system message.</summary>
    public string? NicheDetails { get; init; }

    /// <summary>Ids from <see cref="ProfileOptions.Goals"/>.</summary>
    public IReadOnlyList<string> Goals { get; init; } = [];

    public int? MonthlyCommissionTargetEur { get; init; }

    public string Experience { get; init; } = ProfileOptions.Beginner;

    public string LearningStyle { get; init; } = ProfileOptions.StepByStep;

    /// <summary>ISO 3166-1 alpha-2, from <see cref="ProfileOptions.Countries"/>.</summary>
    public string Country { get; init; } = "FR";

    /// <summary><c>fr</c> or <c>en</c>.</summary>
    public string Language { get; init; } = "fr";

    /// <summary>
    /// The profile the coach uses for someone who saved none (the profile is optional, Art. 5(1)(c) and the policy's
    /// Art. 13(2)(e) statement): no niche, no goal, the account's language, and the record's defaults for the rest
    /// (beginner, step by step, France) — general advice. Never stored.
    /// </summary>
    public static CoachProfile General(string? locale) => new()
    {
        Language = (locale ?? "fr").StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en" : "fr",
    };

    /// <summary>
    /// Every field is optional: a field sent as <c>null</c> reads as if it were left out (no niche, no goal, the record's
    /// default for the rest), so the coach never meets a missing list.
    /// </summary>
    public CoachProfile Normalized() => this with
    {
        Niches = Niches ?? [],
        Goals = Goals ?? [],
        Experience = Experience ?? ProfileOptions.Beginner,
        LearningStyle = LearningStyle ?? ProfileOptions.StepByStep,
        Country = Country ?? "FR",
        Language = Language ?? "fr",
    };

    /// <summary>True when the coach should answer in French (anything but <c>en</c>).</summary>
    public bool IsFrench => !string.Equals(Language, "en", StringComparison.Ordinal);

    /// <summary>Field errors keyed by camelCase field name; empty when the profile is valid.</summary>
    public IReadOnlyDictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string message) =>
            errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        if (Niches is { Count: > ProfileOptions.MaxNiches })
        {
            Add("niches", "Pick at most 3 niches.");
        }
        else if (Niches is not null)
        {
            foreach (var id in Niches.Where(id => !Coaching.Niches.Exists(id)))
            {
                Add("niches", $"Unknown niche '{Shorten(id)}'.");
            }
            if (Niches.Distinct(StringComparer.Ordinal).Count() != Niches.Count)
            {
                Add("niches", "A niche is listed twice.");
            }
        }
        if (NicheDetails is { } details)
        {
            if (details.Length > ProfileOptions.NicheDetailsMaxLength)
            {
                Add("nicheDetails", $"At most {ProfileOptions.NicheDetailsMaxLength} characters.");
            }
            if (details.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
            {
                Add("nicheDetails", "Control characters are not allowed.");
            }
        }
        if (Goals is not null)
        {
            foreach (var id in Goals.Where(id => ProfileOptions.Goal(id) is null))
            {
                Add("goals", $"Unknown goal '{Shorten(id)}'.");
            }
            if (Goals.Distinct(StringComparer.Ordinal).Count() != Goals.Count)
            {
                Add("goals", "A goal is listed twice.");
            }
        }
        if (MonthlyCommissionTargetEur is < 0 or > ProfileOptions.MaxMonthlyCommissionTargetEur)
        {
            Add("monthlyCommissionTargetEur", $"Between 0 and {ProfileOptions.MaxMonthlyCommissionTargetEur.ToString(CultureInfo.InvariantCulture)}.");
        }
        if (ProfileOptions.ExperienceLevel(Experience) is null)
        {
            Add("experience", "Must be beginner, intermediate or advanced.");
        }
        if (ProfileOptions.LearningStyle(LearningStyle) is null)
        {
            Add("learningStyle", "Must be step-by-step, examples, quick-tips or scripts.");
        }
        if (ProfileOptions.Country(Country) is null)
        {
            Add("country", "Must be an EU country or GB (ISO 3166-1 alpha-2, e.g. FR).");
        }
        if (ProfileOptions.Language(Language) is null)
        {
            Add("language", "Must be fr or en.");
        }
        return errors;
    }

    /// <summary>Throws a 400 <see cref="RequestValidationException"/> listing every field error.</summary>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal));
        }
    }

    private static string Shorten(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>One choice of a profile field: a stable id and its labels.</summary>
public sealed record ProfileOption(string Id, string LabelFr, string LabelEn)
{
    public string Label(string language) => string.Equals(language, "en", StringComparison.Ordinal) ? LabelEn : LabelFr;
}

/// <summary>
/// The catalog of every profile field's choices with French and English labels. The web form and
/// <c>GET /api/profile/options</c> serve these lists; validation and the prompt read the same lists.
/// </summary>
public static class ProfileOptions
{
    public const int MaxNiches = 3;
    public const int NicheDetailsMaxLength = 200;
    public const int MaxMonthlyCommissionTargetEur = 100_000;
    public const string Beginner = "beginner";
    public const string Intermediate = "intermediate";
    public const string Advanced = "advanced";
    public const string StepByStep = "step-by-step";
    public const string Examples = "examples";
    public const string QuickTips = "quick-tips";
    public const string Scripts = "scripts";

    public static IReadOnlyList<ProfileOption> Niches { get; } =
        Coaching.Niches.All.Select(n => new ProfileOption(n.Id, n.LabelFr, n.LabelEn)).ToArray();

    public static IReadOnlyList<ProfileOption> Goals { get; } =
    [
        new("first-sale", "Faire ma première vente", "Make my first sale"),
        new("monthly-commission", "Atteindre un revenu mensuel en commissions", "Reach a monthly commission income"),
        new("audience-growth", "Faire grandir mon audience", "Grow my audience"),
        new("consistency", "Publier régulièrement", "Post consistently"),
        new("go-live", "Me lancer en live shopping", "Start doing shopping lives"),
        new("brand-deals", "Obtenir des collaborations avec des marques", "Land brand collaborations"),
    ];

    public static IReadOnlyList<ProfileOption> ExperienceLevels { get; } =
    [
        new(Beginner, "Débutant·e", "Beginner"),
        new(Intermediate, "Intermédiaire", "Intermediate"),
        new(Advanced, "Confirmé·e", "Advanced"),
    ];

    public static IReadOnlyList<ProfileOption> LearningStyles { get; } =
    [
        new(StepByStep, "Étape par étape", "Step by step"),
        new(Examples, "Avec des exemples", "With examples"),
        new(QuickTips, "Astuces rapides", "Quick tips"),
        new(Scripts, "Scripts à filmer", "Scripts to film"),
    ];

    /// <summary>The EU member states and the United Kingdom, French first.</summary>
    public static IReadOnlyList<ProfileOption> Countries { get; } =
    [
        new("FR", "France", "France"),
        new("BE", "Belgique", "Belgium"),
        new("LU", "Luxembourg", "Luxembourg"),
        new("DE", "Allemagne", "Germany"),
        new("AT", "Autriche", "Austria"),
        new("BG", "Bulgarie", "Bulgaria"),
        new("CY", "Chypre", "Cyprus"),
        new("HR", "Croatie", "Croatia"),
        new("DK", "Danemark", "Denmark"),
        new("ES", "Espagne", "Spain"),
        new("EE", "Estonie", "Estonia"),
        new("FI", "Finlande", "Finland"),
        new("GR", "Grèce", "Greece"),
        new("HU", "Hongrie", "Hungary"),
        new("IE", "Irlande", "Ireland"),
        new("IT", "Italie", "Italy"),
        new("LV", "Lettonie", "Latvia"),
        new("LT", "Lituanie", "Lithuania"),
        new("MT", "Malte", "Malta"),
        new("NL", "Pays-Bas", "Netherlands"),
        new("PL", "Pologne", "Poland"),
        new("PT", "Portugal", "Portugal"),
        new("CZ", "Tchéquie", "Czechia"),
        new("RO", "Roumanie", "Romania"),
        new("SK", "Slovaquie", "Slovakia"),
        new("SI", "Slovénie", "Slovenia"),
        new("SE", "Suède", "Sweden"),
        new("GB", "Royaume-Uni", "United Kingdom"),
    ];

    public static IReadOnlyList<ProfileOption> Languages { get; } =
    [
        new("fr", "Français", "French"),
        new("en", "Anglais", "English"),
    ];

    public static ProfileOption? Niche(string? id) => Find(Niches, id);

    public static ProfileOption? Goal(string? id) => Find(Goals, id);

    public static ProfileOption? ExperienceLevel(string? id) => Find(ExperienceLevels, id);

    public static ProfileOption? LearningStyle(string? id) => Find(LearningStyles, id);

    public static ProfileOption? Country(string? id) => Find(Countries, id);

    public static ProfileOption? Language(string? id) => Find(Languages, id);

    private static ProfileOption? Find(IReadOnlyList<ProfileOption> options, string? id) =>
        id is null ? null : options.FirstOrDefault(o => string.Equals(o.Id, id, StringComparison.Ordinal));
}

