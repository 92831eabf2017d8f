namespace Jimp.Functions.Coaching;

/// <summary>A niche a creator can pick: a stable id, labels in French and English, and where its trends live.</summary>
/// <param name="Id">Stable id stored in profiles and used by the knowledge base.</param>
/// <param name="IndustryId">The TikTok Creative Center industry (11 digits) whose hashtags and keywords fit the niche.</param>
/// <param name="ShopCategory">The TikTok Shop first-level category name the niche maps to (top products).</param>
public sealed record Niche(string Id, string LabelFr, string LabelEn, string IndustryId, string ShopCategory);

/// <summary>
/// The one table that maps niches to TikTok Shop categories and Creative Center industries. The coach, the
/// profile form and the trend service all read it. Industry ids 14000000000 (Beauty &amp; Personal Care) and
/// 22000000000 (Apparel &amp; Accessories) are checked against the Creative Center reference; the others follow
/// the Creative Center's numbering and are to be checked against its live industry list before relying on them.
/// </summary>
public static class Niches
{
    public static IReadOnlyList<Niche> All { get; } =
    [
        new("beauty", "Beauté & soins", "Beauty & personal care", "14000000000", "Beauty & Personal Care"),
        new("fashion", "Mode & accessoires", "Fashion & accessories", "22000000000", "Womenswear & Underwear"),
        new("home", "Maison & déco", "Home & living", "17000000000", "Home Supplies"),
        new("kitchen", "Cuisine & ustensiles", "Kitchen & cooking", "17000000000", "Kitchenware"),
        new("electronics", "High-tech & gadgets", "Tech & gadgets", "15000000000", "Phones & Electronics"),
        new("sports", "Sport & plein air", "Sports & outdoor", "28000000000", "Sports & Outdoor"),
        new("health", "Bien-être", "Wellness", "29000000000", "Health"),
        new("baby", "Bébé & maternité", "Baby & maternity", "12000000000", "Baby & Maternity"),
        new("pets", "Animaux", "Pets", "18000000000", "Pet Supplies"),
        new("food", "Alimentation & boissons", "Food & drinks", "27000000000", "Food & Beverages"),
        new("toys", "Jouets & loisirs", "Toys & hobbies", "12000000000", "Toys & Hobbies"),
        new("books", "Livres & papeterie", "Books & stationery", "10000000000", "Books, Magazines & Audio"),
    ];

    private static readonly Dictionary<string, Niche> ById = All.ToDictionary(n => n.Id, StringComparer.Ordinal);

    public static Niche? Find(string id) => ById.GetValueOrDefault(id);

    public static bool Exists(string id) => ById.ContainsKey(id);
}
