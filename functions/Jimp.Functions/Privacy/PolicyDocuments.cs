using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Jimp.Functions.Privacy;

/// <summary>One published version of the privacy policy in one language, read from docs/privacy (one source).</summary>
public sealed record PolicyDocument(string Version, DateOnly Date, DateOnly Effective, bool Material, string Language, string Markdown);

/// <summary>A version in every language it exists in.</summary>
public sealed record PolicyVersion(string Version, DateOnly Date, DateOnly Effective, bool Material, IReadOnlyDictionary<string, PolicyDocument> ByLanguage);

/// <summary>
/// The privacy policy's versions, embedded from <c>docs/privacy/policy.{lang}.md</c> (the current text) and
/// <c>docs/privacy/versions/{version}.{lang}.md</c> (every earlier one). Nothing is accepted by continued use:
/// a material version is announced at least 30 days before it takes effect.
/// </summary>
public sealed partial class PolicyDocuments
{
    public static PolicyDocuments Embedded { get; } = Load(typeof(PolicyDocuments).Assembly);

    /// <summary>The terms of use (CGU): <c>docs/terms/cgu.{lang}.md</c> and <c>docs/terms/versions/</c>, versioned like the policy.</summary>
    public static PolicyDocuments EmbeddedTerms { get; } = Load(typeof(PolicyDocuments).Assembly, ".Terms.", "terms of use");

    public PolicyDocuments(IEnumerable<PolicyDocument> documents)
    {
        Versions = documents
            .GroupBy(d => d.Version, StringComparer.Ordinal)
            .Select(g => new PolicyVersion(g.Key, g.First().Date, g.First().Effective, g.First().Material, g.ToDictionary(d => d.Language, StringComparer.Ordinal)))
            .OrderBy(v => v.Effective).ThenBy(v => Version.Parse(v.Version))
            .ToList();
    }

    /// <summary>Every version, oldest first.</summary>
    public IReadOnlyList<PolicyVersion> Versions { get; }

    /// <summary>
    /// When each version is in force, given when the announcements of material versions completed
    /// (<see cref="PolicyCalendar"/> reads them). Without announcements only the first version and
    /// non-material ones ever take effect.
    /// </summary>
    public PolicySchedule Schedule(IReadOnlyDictionary<string, DateTimeOffset>? announcementsCompletedAt = null) =>
        new(this, announcementsCompletedAt ?? new Dictionary<string, DateTimeOffset>());

    public static PolicyDocuments Load(Assembly assembly, string resourceMarker = ".PrivacyPolicy.", string what = "privacy policy")
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var documents = assembly.GetManifestResourceNames()
            .Where(n => n.Contains(resourceMarker, StringComparison.Ordinal))
            .Select(n =>
            {
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return Parse(reader.ReadToEnd());
            })
            .ToList();
        if (documents.Count == 0)
        {
            throw new InvalidOperationException($"No {what} is embedded in the app.");
        }
        return new PolicyDocuments(documents);
    }

    public static PolicyDocument Parse(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var match = FrontMatter().Match(markdown);
        if (!match.Success) throw new FormatException("A policy document must start with a front matter block.");
        var fields = match.Groups["body"].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(':', 2, StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        return new PolicyDocument(
            fields["version"],
            DateOnly.Parse(fields["date"], CultureInfo.InvariantCulture),
            DateOnly.Parse(fields["effective"], CultureInfo.InvariantCulture),
            bool.Parse(fields["material"]),
            fields["language"],
            markdown[match.Length..].TrimStart());
    }

    [GeneratedRegex(@"\A---\r?\n(?<body>.*?)\r?\n---\r?\n", RegexOptions.Singleline)]
    private static partial Regex FrontMatter();
}

/// <summary>
/// The 30-day notice, enforced: a material version (other than the first) is in force only from
/// <c>max(effective, announcement completed + 30 days)</c>, and never if its announcement has not completed.
/// A non-material version is in force on its effective date.
/// </summary>
public sealed class PolicySchedule(PolicyDocuments documents, IReadOnlyDictionary<string, DateTimeOffset> announcementsCompletedAt)
{
    public IReadOnlyList<PolicyVersion> Versions => documents.Versions;

    /// <summary>When the announcement of <paramref name="version"/> finished mailing everyone, if it did.</summary>
    public DateTimeOffset? AnnouncedAt(PolicyVersion version) =>
        announcementsCompletedAt.TryGetValue(version.Version, out var at) ? at : null;

    /// <summary>The first day <paramref name="version"/> is in force; null while it cannot be (not announced).</summary>
    public DateOnly? InForceFrom(PolicyVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!version.Material || ReferenceEquals(version, documents.Versions[0])) return version.Effective;
        if (AnnouncedAt(version) is not { } at) return null;
        var earliest = DateOnly.FromDateTime(at.UtcDateTime).AddDays(PolicyAnnouncements.NoticeDays);
        return earliest > version.Effective ? earliest : version.Effective;
    }

    /// <summary>The version in force on <paramref name="today"/>: of those whose in-force day has come, the latest.</summary>
    public PolicyVersion Current(DateOnly today) =>
        Versions.Where(v => InForceFrom(v) is { } from && from <= today)
            .OrderBy(v => InForceFrom(v)).ThenBy(v => System.Version.Parse(v.Version))
            .LastOrDefault() ?? Versions[0];

    /// <summary>The next version that will come into force (it has a date), if any.</summary>
    public PolicyVersion? Upcoming(DateOnly today)
    {
        var current = System.Version.Parse(Current(today).Version);
        return Versions.Where(v => System.Version.Parse(v.Version) > current && InForceFrom(v) is { } from && from > today)
            .OrderBy(v => InForceFrom(v)).FirstOrDefault();
    }
}
