using System.Reflection;
using System.Text.RegularExpressions;
using Jimp.Functions.Accounts;
using Jimp.Functions.Insights;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Jimp.PrivacyRegister;

namespace Jimp.Tests.Privacy;

/// <summary>
/// Keeps <c>docs/privacy/compliance-map.md</c> honest: every test it names exists, every section of the
/// authoritative policy has a row, and the numbers the policy states are the defaults the code uses.
/// </summary>
public sealed partial class ComplianceMapTests
{
    private const string NotYetTested = "not yet tested";

    [Fact]
    public void Every_test_named_in_the_map_exists()
    {
        var tests = typeof(ComplianceMapTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m.GetCustomAttributes<FactAttribute>(inherit: true).Any())
                .Select(m => $"{t.Name}.{m.Name}"))
            .ToHashSet(StringComparer.Ordinal);
        var rows = MapRows();
        Assert.NotEmpty(rows);

        var problems = new List<string>();
        var named = 0;
        foreach (var row in rows)
        {
            foreach (var token in row.ProvenBy)
            {
                if (TestName().IsMatch(token))
                {
                    named++;
                    if (!tests.Contains(token)) problems.Add($"line {row.Line}: no [Fact] or [Theory] {token} in the test assembly");
                }
                else if (!token.StartsWith('—') && !token.StartsWith(NotYetTested, StringComparison.Ordinal))
                {
                    problems.Add($"line {row.Line}: \"{token}\" is neither ClassName.Method_name, \"—\" nor \"{NotYetTested}\"");
                }
            }
        }
        Assert.True(problems.Count == 0, "compliance-map.md:\n" + string.Join('\n', problems));
        Assert.True(named > 0, "The map names no test at all.");
    }

    [Fact]
    public void Every_section_of_the_policy_has_a_row_and_a_test_unless_informational()
    {
        var sections = PolicySections().Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, 15), sections);
        var rows = MapRows();

        var problems = new List<string>();
        foreach (var section in sections)
        {
            var mine = rows.Where(r => r.Section == section).ToList();
            if (mine.Count == 0)
            {
                problems.Add($"§{section} of policy.fr.md has no row in compliance-map.md");
                continue;
            }
            var tested = mine.Any(r => r.ProvenBy.Any(t => TestName().IsMatch(t)));
            var informational = mine.Any(r => r.ProvenBy.Any(t => t.StartsWith('—') && t.Contains("informational", StringComparison.Ordinal)));
            if (!tested && !informational) problems.Add($"§{section}: no row names a test, and no row says the section is informational");
        }
        problems.AddRange(rows.Where(r => !sections.Contains(r.Section)).Select(r => $"line {r.Line}: § {r.Section} is not a section of policy.fr.md"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_file_the_map_names_as_enforcing_exists()
    {
        var root = RepositoryFiles.Root();
        var problems = new List<string>();
        foreach (var row in MapRows())
        {
            if (string.IsNullOrWhiteSpace(row.EnforcedBy)) problems.Add($"line {row.Line}: empty \"enforced by\"");
            foreach (Match m in CodePath().Matches(row.EnforcedBy))
            {
                if (!File.Exists(Path.Combine(root, m.Groups[1].Value))) problems.Add($"line {row.Line}: {m.Groups[1].Value} does not exist");
            }
            if (row.EnforcedBy.Contains("owner-checklist.md", StringComparison.Ordinal) && !File.Exists(Path.Combine(root, "docs", "privacy", "owner-checklist.md")))
            {
                problems.Add("docs/privacy/owner-checklist.md does not exist");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_retention_period_and_deadline_stated_in_the_policy_equals_the_configured_default()
    {
        var policy = Normalise(File.ReadAllText(RepositoryFiles.Path("docs", "privacy", "policy.fr.md")));
        var accounts = new AccountsOptions();
        var retention = new RetentionOptions();
        var problems = new List<string>();

        void Says(string what, params string[] phrases)
        {
            foreach (var phrase in phrases)
            {
                if (!policy.Contains(phrase, StringComparison.Ordinal)) problems.Add($"{what}: policy.fr.md does not say \"{phrase}\"");
            }
        }

        var link = Whole(accounts.SignInLinkLifetime.TotalMinutes, "AccountsOptions.SignInLinkLifetime (minutes)", problems);
        Says("sign-in link", $"| Lien de connexion | {link} minutes, usage unique |", $"Lien : {link} minutes", $"valable {link} minutes");

        var session = Whole(accounts.SessionLifetime.TotalDays, "AccountsOptions.SessionLifetime (days)", problems);
        Says("session", $"| Session (cookie `jimp_session`) | {session} jours", $"session : {session} jours", $"| {session} jours, ou jusqu'à votre déconnexion |");

        var export = Whole(ExportRecords.Lifetime.TotalDays, "ExportRecords.Lifetime (days)", problems);
        Says("export", $"| Fichier d'export (ZIP) et son lien | {export} jours |", $"export : {export} jours", $"lien et fichier valables {export} jours");

        Says("logs", $"| Journal de sécurité et journaux techniques | {retention.LogMonths} mois maximum", $"journaux : {retention.LogMonths} mois maximum",
            $"et {retention.LogMonths} mois de conservation au maximum", $"journal de sécurité pseudonymisé {retention.LogMonths} mois maximum");

        var history = Whole(Housekeeping.OrchestrationHistoryKept.TotalDays, "Housekeeping.OrchestrationHistoryKept (days)", problems);
        Says("orchestration history", $"| Historique des tâches techniques d'export et d'effacement terminées | {history} jours |",
            $"historique de la tâche d'effacement {history} jours");

        var backups = new Jimp.Functions.Backups.BackupOptions();
        Says("backups", $"| Sauvegardes des données (une copie de toutes les tables chaque nuit, pour les rétablir après un incident) | {backups.RetentionDays} jours, sans modification possible pendant ce délai, puis supprimées (et {Jimp.Functions.Backups.BackupOptions.SoftDeleteDays} jours de suppression réversible) : un effacement atteint les sauvegardes en {backups.ErasureReachesBackupsWithinDays} jours au plus.",
            $"sauvegardes : {backups.RetentionDays} jours (section 8)", $"subsistent seulement : sauvegardes {backups.ErasureReachesBackupsWithinDays} jours au plus");

        Says("minimum age", $"réservé aux personnes âgées de **{accounts.MinimumAge} ans** ou plus", $"moins de {accounts.MinimumAge} ans");

        var deadline = Whole(Deadlines.PolicyPromise.TotalDays, "Deadlines.PolicyPromise (days)", problems);
        Says("request deadline", $"au plus tard {deadline} jours après sa réception", "au plus tard **un mois**");

        Says("extension", $"prolongé de **{InFrench(Deadlines.MaxExtensionMonths)} mois**");

        var warning = retention.InactivityWarningMonths;
        var erasure = retention.InactivityErasureMonths;
        Says("inactivity", $"ou après {erasure} mois sans connexion (e-mail d'avertissement à {warning} mois)",
            $"ou après {erasure} mois sans connexion : e-mail d'avertissement à {warning} mois, puis effacement à {erasure} mois");
        foreach (var store in RegisterRenderer.LoadStores().Where(s => s.Retention.Contains("without sign-in", StringComparison.Ordinal)))
        {
            if (!store.Retention.Contains($"{erasure} months without sign-in", StringComparison.Ordinal))
            {
                problems.Add($"store {store.Name} declares \"{store.Retention}\", the policy says {erasure} months without sign-in");
            }
        }

        Says("insights group size", $"tout groupe comptant **moins de {new InsightsOptions().MinimumGroupSize}** personnes est supprimé");

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>Where each store's data appears in the "Données" column of the policy's §3 table.</summary>
    private static readonly Dictionary<string, string> PolicyWordsForStore = new(StringComparer.Ordinal)
    {
        ["users"] = "données de compte",
        ["profiles"] = "profil",
        ["conversations"] = "conversations",
        ["sessions"] = "session",
        ["signintokens"] = "lien de connexion",
        ["emailindex"] = "e-mail",
        // The month of the last sign-in: part of the account's data (its last sign-in).
        ["signinmonths"] = "données de compte",
        ["consents"] = "registre des consentements",
        ["requests"] = "demandes d'exercice de droits",
        ["requestlog"] = "demandes d'exercice de droits",
        ["exportrecords"] = "fichier d'export",
        ["exports"] = "fichier d'export",
        ["securitylog{yyyyMM}"] = "journal de sécurité",
        ["ratelimits"] = "compteurs anti-abus",
        ["workspaceproducts"] = "espace créateur (produits",
        ["workspacevideos"] = "vidéos et leurs résultats",
        ["workspaceplans"] = "plans de la semaine",
        ["minorblocklist"] = "empreinte à clé",
        ["insightsquestions"] = "catégorie de sujet",
        // A sent mark is about the e-mail of a service mailing (contract row) or of a campaign (consent row).
        ["mailingsent"] = "e-mail",
        ["backups"] = "sauvegardes de toutes les tables",
    };

    [Fact]
    public void The_legal_basis_each_store_declares_is_the_one_the_policy_gives_its_purpose()
    {
        var policy = File.ReadAllText(RepositoryFiles.Path("docs", "privacy", "policy.fr.md"));
        var section = policy[policy.IndexOf("## 3. ", StringComparison.Ordinal)..policy.IndexOf("## 4. ", StringComparison.Ordinal)];
        var rows = section.Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Finalité", StringComparison.Ordinal))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .Select(c => (Data: c[1], Basis: PolicyArticle().Match(c[2]).Groups[1].Value))
            .ToList();
        Assert.True(rows.Count >= 4, "the §3 table was not found");
        var problems = new List<string>();
        foreach (var store in RegisterRenderer.LoadStores())
        {
            if (!PolicyWordsForStore.TryGetValue(store.Name, out var words))
            {
                problems.Add($"store {store.Name}: say in this test which words of the policy's §3 \"Données\" column describe it");
                continue;
            }
            var declared = CodeArticle().Match(store.LegalBasis).Groups[1].Value;
            var described = rows.Where(r => r.Data.Contains(words, StringComparison.OrdinalIgnoreCase)).ToList();
            if (described.Count == 0)
            {
                problems.Add($"store {store.Name}: no row of the policy's §3 table mentions \"{words}\"");
            }
            else if (!described.Any(r => r.Basis == declared))
            {
                problems.Add($"store {store.Name} declares Art. 6(1)({declared}); the policy's §3 rows that mention \"{words}\" say {string.Join(", ", described.Select(r => $"6.1.{r.Basis}"))}");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [GeneratedRegex(@"6\.1\.([a-f])")]
    private static partial Regex PolicyArticle();

    [GeneratedRegex(@"6\(1\)\(([a-f])\)")]
    private static partial Regex CodeArticle();

    private static string Whole(double value, string what, List<string> problems)
    {
        if (value != Math.Floor(value)) problems.Add($"{what} is {value}, not a whole number the policy can state");
        return ((long)value).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string InFrench(int n) => n switch
    {
        1 => "un",
        2 => "deux",
        3 => "trois",
        _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>One line per sentence: the policy wraps lines, the phrases do not care where.</summary>
    private static string Normalise(string text) => Whitespace().Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), " ");

    private static MatchCollection PolicySections() =>
        SectionHeading().Matches(File.ReadAllText(RepositoryFiles.Path("docs", "privacy", "policy.fr.md")));

    internal sealed record MapRow(int Line, int Section, string Promise, string EnforcedBy, IReadOnlyList<string> ProvenBy);

    internal static List<MapRow> MapRows()
    {
        var lines = File.ReadAllLines(RepositoryFiles.Path("docs", "privacy", "compliance-map.md"));
        var rows = new List<MapRow>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('|') || !char.IsDigit(line.TrimStart('|', ' ').FirstOrDefault())) continue;
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length != 4) throw new InvalidOperationException($"compliance-map.md line {i + 1}: {cells.Length} cells, expected 4 (§, promise, enforced by, proven by).");
            var provenBy = cells[3].Split("<br>", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(t => t.Trim('`'))
                .ToList();
            rows.Add(new MapRow(i + 1, int.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture), cells[1], cells[2], provenBy));
        }
        return rows;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TestName();

    [GeneratedRegex(@"^## (\d+)\. ", RegexOptions.Multiline)]
    private static partial Regex SectionHeading();

    [GeneratedRegex("`((?:functions|bicep|web|tools)/[^`]+)`")]
    private static partial Regex CodePath();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

/// <summary>Files of the repository, found from the test binaries by walking up to <c>JIMP.sln</c>.</summary>
internal static class RepositoryFiles
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "JIMP.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No JIMP.sln above {AppContext.BaseDirectory}.");
    }

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root(), .. parts]);
}
