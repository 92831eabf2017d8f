namespace Jimp.Functions.Workspace;

/// <summary>One video's results as the creator reads them in TikTok Studio (form, or one CSV row).</summary>
/// <param name="PostedOn">The day it was posted (yyyy-MM-dd); not in the future.</param>
/// <param name="ProductId">One of the creator's products, if the video promotes one.</param>
/// <param name="HookStyle">One of <see cref="HookStyles.All"/> (id), if filed.</param>
/// <param name="Format">One of <see cref="VideoFormats.All"/> (id), if filed.</param>
/// <param name="AverageWatchSeconds">Average watch time; it may exceed the length (people rewatch).</param>
/// <param name="CompletionPercent">Share of views that watched the whole video (TikTok Studio's "watched full video").</param>
public sealed record VideoInput(
    DateOnly? PostedOn,
    string? ProductId,
    string? HookText,
    string? HookStyle,
    string? Format,
    decimal? LengthSeconds,
    long? Views,
    decimal? AverageWatchSeconds,
    decimal? CompletionPercent,
    long? Likes,
    long? Comments,
    long? Shares,
    long? ProductClicks,
    long? Orders,
    decimal? CommissionEur)
{
    public const int HookTextMaxLength = 300;
    public const int MaxLengthSeconds = 3_600;
    public const long MaxCount = 10_000_000_000;
    public static readonly DateOnly FirstPossibleDay = new(2016, 9, 1);

    /// <summary>Every problem, by camelCase field, in the user's language; empty when valid.</summary>
    public Dictionary<string, string[]> Validate(DateOnly today, ISet<string> productIds, bool french)
    {
        ArgumentNullException.ThrowIfNull(productIds);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string fr, string en) => errors[field] = [french ? fr : en];
        if (PostedOn is not { } day) Add("postedOn", "La date de publication est obligatoire (AAAA-MM-JJ).", "The posting date is required (YYYY-MM-DD).");
        else if (day > today) Add("postedOn", "La date est dans le futur.", "The date is in the future.");
        else if (day < FirstPossibleDay) Add("postedOn", "La date est antérieure à TikTok.", "The date is before TikTok existed.");
        if (ProductId is not null && !productIds.Contains(ProductId)) Add("productId", "Produit inconnu : ajoute-le d'abord dans « Mes produits ».", "Unknown product: add it under \"My products\" first.");
        if (HookText is { Length: > HookTextMaxLength }) Add("hookText", $"{HookTextMaxLength} caractères au plus.", $"At most {HookTextMaxLength} characters.");
        if (HookStyle is not null && HookStyles.All.All(h => h.Id != HookStyle)) Add("hookStyle", "Style de hook inconnu.", "Unknown hook style.");
        if (Format is not null && VideoFormats.All.All(f => f.Id != Format)) Add("format", "Format inconnu.", "Unknown format.");
        if (LengthSeconds is not { } length) Add("lengthSeconds", "La durée (en secondes) est obligatoire.", "The length (in seconds) is required.");
        else if (length <= 0 || length > MaxLengthSeconds) Add("lengthSeconds", "La durée est comprise entre 1 et 3 600 secondes.", "The length is between 1 and 3,600 seconds.");
        if (Views is null) Add("views", "Le nombre de vues est obligatoire.", "The number of views is required.");
        Count("views", Views);
        Count("likes", Likes);
        Count("comments", Comments);
        Count("shares", Shares);
        Count("productClicks", ProductClicks);
        Count("orders", Orders);
        if (AverageWatchSeconds is { } watch && (watch < 0 || watch > 10 * MaxLengthSeconds)) Add("averageWatchSeconds", "Le temps de visionnage moyen est un nombre de secondes positif.", "The average watch time is a positive number of seconds.");
        if (CompletionPercent is { } completion && (completion < 0 || completion > 100)) Add("completionPercent", "Le taux de visionnage complet est un pourcentage entre 0 et 100.", "The completion rate is a percentage between 0 and 100.");
        if (CommissionEur is { } commission && (commission < 0 || commission > 10_000_000m)) Add("commissionEur", "La commission est un montant positif.", "The commission is a positive amount.");
        return errors;

        void Count(string field, long? value)
        {
            if (value is { } v && (v < 0 || v > MaxCount)) Add(field, "Un nombre entier positif.", "A whole number, not negative.");
        }
    }
}

/// <summary>A stored video.</summary>
public sealed record Video(
    string Id,
    DateOnly PostedOn,
    string? ProductId,
    string? HookText,
    string? HookStyle,
    string? Format,
    decimal LengthSeconds,
    long Views,
    decimal? AverageWatchSeconds,
    decimal? CompletionPercent,
    long Likes,
    long Comments,
    long Shares,
    long ProductClicks,
    long Orders,
    decimal CommissionEur,
    string Source,
    DateTimeOffset UpdatedAt)
{
    public const string FromForm = "form";
    public const string FromCsv = "csv";

    public static Video From(string id, VideoInput input, string source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new(id, input.PostedOn!.Value, input.ProductId, string.IsNullOrWhiteSpace(input.HookText) ? null : input.HookText.Trim(),
            input.HookStyle, input.Format, input.LengthSeconds!.Value, input.Views!.Value, input.AverageWatchSeconds, input.CompletionPercent,
            input.Likes ?? 0, input.Comments ?? 0, input.Shares ?? 0, input.ProductClicks ?? 0, input.Orders ?? 0, input.CommissionEur ?? 0, source, now);
    }

    /// <summary>Average watch time ÷ length, in % (capped at 100: rewatches do not make a hook better).</summary>
    public decimal? RetentionPercent => AverageWatchSeconds is { } w && LengthSeconds > 0 ? Math.Min(100m, Math.Round(w / LengthSeconds * 100m, 1)) : null;

    /// <summary>Product clicks ÷ views, in %.</summary>
    public decimal? ClickThroughPercent => Views > 0 ? Math.Round((decimal)ProductClicks / Views * 100m, 2) : null;

    /// <summary>Orders ÷ product clicks, in %.</summary>
    public decimal? ConversionPercent => ProductClicks > 0 ? Math.Round((decimal)Orders / ProductClicks * 100m, 2) : null;
}
