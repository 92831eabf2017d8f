using System.Globalization;
using Jimp.Functions.Coaching;

namespace Jimp.Functions.Workspace;

/// <summary>A product as the creator enters it (POST/PUT <c>/api/me/products</c>).</summary>
/// <param name="ShopUrl">The product's TikTok Shop link: checked to be an https TikTok address, never fetched.</param>
public sealed record ProductInput(
    string? Name,
    string? Niche,
    decimal? PriceEur,
    decimal? CommissionPercent,
    string? ShopUrl,
    string? Notes,
    string? Status)
{
    public const int NameMaxLength = 120;
    public const int NotesMaxLength = 1_000;
    public const int UrlMaxLength = 500;
    public const decimal MaxPriceEur = 100_000m;

    /// <summary>Every problem, by camelCase field, in the user's language; empty when valid.</summary>
    public Dictionary<string, string[]> Validate(bool french)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string field, string fr, string en) => errors[field] = [french ? fr : en];
        if (string.IsNullOrWhiteSpace(Name)) Add("name", "Le nom du produit est obligatoire.", "The product's name is required.");
        else if (Name.Trim().Length > NameMaxLength) Add("name", $"{NameMaxLength} caractères au plus.", $"At most {NameMaxLength} characters.");
        if (Niche is not null && Niches.All.All(n => n.Id != Niche)) Add("niche", "Niche inconnue.", "Unknown niche.");
        if (PriceEur is { } price && (price < 0 || price > MaxPriceEur)) Add("priceEur", "Le prix est un nombre entre 0 et 100 000 €.", "The price is a number between 0 and €100,000.");
        if (CommissionPercent is { } c && (c < 0 || c > 100)) Add("commissionPercent", "La commission est un pourcentage entre 0 et 100.", "The commission is a percentage between 0 and 100.");
        if (!string.IsNullOrWhiteSpace(ShopUrl) && !IsShopUrl(ShopUrl)) Add("shopUrl", "Un lien https vers tiktok.com (le lien TikTok Shop du produit).", "An https link on tiktok.com (the product's TikTok Shop link).");
        if (Notes is { Length: > NotesMaxLength }) Add("notes", $"{NotesMaxLength} caractères au plus.", $"At most {NotesMaxLength} characters.");
        if (Status is not null && !ProductStatuses.All.Contains(Status)) Add("status", "Statut inconnu (idée, en test, en promotion, abandonné).", "Unknown status (idea, testing, promoting, dropped).");
        return errors;
    }

    /// <summary>An absolute https URL on tiktok.com or one of its subdomains (shop.tiktok.com, vt.tiktok.com…), without credentials. Only its text is checked.</summary>
    public static bool IsShopUrl(string text)
    {
        if (text.Length > UrlMaxLength || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri)) return false;
        var host = uri.IdnHost.ToLowerInvariant();
        return uri.Scheme == Uri.UriSchemeHttps
            && uri.UserInfo.Length == 0
            && uri.IsDefaultPort
            && (host == "tiktok.com" || host.EndsWith(".tiktok.com", StringComparison.Ordinal));
    }
}

/// <summary>A stored product.</summary>
public sealed record Product(
    string Id,
    string Name,
    string? Niche,
    decimal? PriceEur,
    decimal? CommissionPercent,
    string? ShopUrl,
    string? Notes,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>What one sale earns the creator: price × commission, rounded to the cent; null until both are known.</summary>
    public decimal? EarningPerSaleEur => PriceEur is { } p && CommissionPercent is { } c ? Math.Round(p * c / 100m, 2, MidpointRounding.AwayFromZero) : null;

    public static Product From(string id, ProductInput input, DateTimeOffset createdAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new(id, input.Name!.Trim(), input.Niche, input.PriceEur, input.CommissionPercent,
            string.IsNullOrWhiteSpace(input.ShopUrl) ? null : input.ShopUrl.Trim(),
            string.IsNullOrWhiteSpace(input.Notes) ? null : input.Notes.Trim(),
            input.Status ?? ProductStatuses.Idea, createdAt, now);
    }

    public string PriceText => PriceEur?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}
