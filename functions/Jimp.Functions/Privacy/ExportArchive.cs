using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Jimp.Functions.Privacy;

/// <summary>One store's part of an export: its records, as written by the store's activity.</summary>
public sealed record ExportPart(string Store, string TitleFr, string TitleEn, string Purpose, string LegalBasis, string Retention, IReadOnlyList<ExportRecord> Records)
{
    /// <summary>The store's purpose, legal basis and retention in French (null in a part written before they were declared).</summary>
    public PersonalDataTexts? French { get; init; }
}

/// <summary>
/// Builds the export ZIP: <c>data.json</c> (schema <c>jimp-export/1</c>, documented in docs/privacy/export-format.md,
/// times in ISO-8601 UTC), one CSV per store, and <c>summary.html</c> (FR or EN) with every Art. 15(1) and 15(2) item.
/// </summary>
public static class ExportArchive
{
    public const string SchemaVersion = "jimp-export/1";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task WriteAsync(Stream output, string userId, string exportId, string locale, DateTimeOffset generatedAt, IReadOnlyList<ExportPart> parts, CancellationToken cancellationToken)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var data = new Dictionary<string, object?>
        {
            ["schema"] = SchemaVersion,
            ["generated_at"] = generatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["user_id"] = userId,
            ["export_id"] = exportId,
            ["stores"] = parts.ToDictionary(p => p.Store, p => (object)p.Records),
        };
        await WriteEntryAsync(zip, "data.json", JsonSerializer.SerializeToUtf8Bytes(data, Json), cancellationToken);
        foreach (var part in parts.Where(p => p.Records.Count > 0))
        {
            // With a BOM: a spreadsheet opened by double-click (French Excel) reads UTF-8, so accents are not garbled.
            await WriteEntryAsync(zip, $"csv/{part.Store}.csv", [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Csv(part.Records))], cancellationToken);
        }
        await WriteEntryAsync(zip, "summary.html", Encoding.UTF8.GetBytes(Summary(locale, generatedAt, parts)), cancellationToken);
    }

    private static async Task WriteEntryAsync(ZipArchive zip, string name, byte[] content, CancellationToken cancellationToken)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        await using var stream = entry.Open();
        await stream.WriteAsync(content, cancellationToken);
    }

    public static string Csv(IReadOnlyList<ExportRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var columns = records.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', columns.Select(Escape)));
        foreach (var record in records)
        {
            sb.AppendLine(string.Join(',', columns.Select(c => Escape(record.TryGetValue(c, out var v) ? Format(v) : ""))));
        }
        return sb.ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Escape(string value)
    {
        // A leading = + - @ would be a formula in a spreadsheet: neutralise it.
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>
    /// The readable summary: every item of GDPR Art. 15(1)(a)–(h) and 15(2), in the user's language (French unless
    /// the account is in English). The per-store rows come from the registry's declarations (each store's French and
    /// English purpose, legal basis and retention); the rest says what the policy (sections 3 to 10) says.
    /// </summary>
    public static string Summary(string locale, DateTimeOffset generatedAt, IReadOnlyList<ExportPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var t = locale == "en" ? ExportTexts.En : ExportTexts.Fr;
        var fr = t == ExportTexts.Fr;
        var h = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        void Section(string id, string title, params string[] paragraphs)
        {
            h.Append("<h2 id=\"").Append(id).Append("\">").Append(E(title)).Append("</h2>");
            foreach (var p in paragraphs) h.Append("<p>").Append(E(p)).Append("</p>");
        }
        h.Append("<!doctype html><html lang=\"").Append(fr ? "fr" : "en").Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(t.Title)).Append("</title></head><body>");
        h.Append("<h1>").Append(E(t.Title)).Append("</h1>");
        h.Append("<p>").Append(E(string.Format(CultureInfo.InvariantCulture, t.Intro, generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)))).Append("</p>");
        h.Append("<h2 id=\"stores\">").Append(E(t.StoresHeading)).Append("</h2>");
        h.Append("<table><thead><tr>");
        foreach (var c in t.Columns) h.Append("<th>").Append(E(c)).Append("</th>");
        h.Append("</tr></thead><tbody>");
        foreach (var p in parts)
        {
            var (purpose, basis, retention) = fr && p.French is { } f ? (f.Purpose, f.LegalBasis, f.Retention) : (p.Purpose, p.LegalBasis, p.Retention);
            h.Append("<tr><td>").Append(E(fr ? p.TitleFr : p.TitleEn)).Append(" (").Append(E(p.Store)).Append(")</td><td>").Append(p.Records.Count)
                .Append("</td><td>").Append(E(purpose)).Append("</td><td>").Append(E(basis)).Append("</td><td>").Append(E(retention)).Append("</td></tr>");
        }
        h.Append("</tbody></table>");
        Section("recipients", t.RecipientsHeading, t.Recipients);
        Section("transfers", t.TransfersHeading, t.Transfers);
        Section("rights", t.RightsHeading, t.Rights, t.Complaint);
        Section("source", t.SourceHeading, t.Source);
        Section("automated-decisions", t.AutomatedHeading, t.Automated);
        Section("files", t.FilesHeading, t.Files);
        h.Append("</body></html>");
        return h.ToString();
    }
}

/// <summary>The summary's fixed texts, FR and EN; each says what the privacy policy says (sections named in brackets).</summary>
public sealed record ExportTexts(
    string Title, string Intro, string StoresHeading, string[] Columns,
    string RecipientsHeading, string Recipients,
    string TransfersHeading, string Transfers,
    string RightsHeading, string Rights, string Complaint,
    string SourceHeading, string Source,
    string AutomatedHeading, string Automated,
    string FilesHeading, string Files)
{
    public static readonly ExportTexts Fr = new(
        "Vos données JIMP",
        "Export généré le {0} UTC, en réponse à votre demande d'accès (article 15 du RGPD) et de portabilité (article 20). Ce document résume ce que nous détenons sur vous et ce que la loi vous permet de savoir.",
        "Les données que nous conservons, pourquoi, sur quelle base et combien de temps (art. 15.1 a, b et d)",
        ["Catégorie de données", "Enregistrements", "Finalité", "Base légale", "Durée de conservation"],
        "Destinataires (art. 15.1 c)",
        "Microsoft Ireland Operations Limited (hébergement Microsoft Azure dans l'UE, dont Azure OpenAI Service pour les réponses du coach, et la supervision technique) et notre prestataire d'envoi d'e-mails, tous deux sous-traitants agissant sur nos instructions (article 28 du RGPD). Microsoft peut conserver les requêtes et réponses du modèle jusqu'à 30 jours pour le seul contrôle des abus. Aucune donnée n'est vendue, ni envoyée à TikTok ; une autorité ne les reçoit que si la loi l'impose.",
        "Transferts hors de l'Union européenne et garanties (art. 15.2)",
        "Vos données sont stockées et traitées dans l'Union européenne (région Azure France Central par défaut ; Azure OpenAI dans une région de l'UE avec un déploiement « Data Zone UE »). Microsoft Ireland Operations Limited étant une filiale de Microsoft Corporation (États-Unis), un accès depuis l'extérieur de l'UE, notamment pour le support, n'est pas exclu. Garanties : l'engagement EU Data Boundary de Microsoft ; l'accord de traitement des données de Microsoft, qui intègre les clauses contractuelles types de la Commission européenne (décision d'exécution (UE) 2021/914, art. 46 du RGPD) ; la certification de Microsoft Corporation au Data Privacy Framework UE–États-Unis (décision d'adéquation (UE) 2023/1795, art. 45 du RGPD). Le lieu de traitement et les garanties du prestataire e-mail sont indiqués dans la politique de confidentialité (section 7). Vous pouvez obtenir une copie de ces garanties sur simple demande au contact indiqué dans la politique.",
        "Vos droits (art. 15.1 e et f)",
        "Vous pouvez demander la rectification ou l'effacement de vos données, la limitation de leur traitement, vous opposer aux traitements fondés sur notre intérêt légitime (statistiques agrégées), retirer un consentement à tout moment et recevoir vos données dans un format portable. Tout se fait depuis l'espace Confidentialité de l'application, ou par e-mail au contact indiqué dans la politique ; nous répondons dans un délai d'un mois au plus.",
        "Vous pouvez introduire une réclamation auprès de la Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.",
        "Source des données (art. 15.1 g)",
        "Toutes ces données viennent de vous (compte, profil, conversations, espace créateur, choix de confidentialité) ou de votre utilisation du Service (sessions, journal de sécurité, compteurs anti-abus). Nous ne recevons aucune donnée vous concernant d'un tiers ; les tendances TikTok sont des données publiques qui ne vous concernent pas.",
        "Décision automatisée et profilage (art. 15.1 h)",
        "JIMP ne prend aucune décision fondée exclusivement sur un traitement automatisé produisant des effets juridiques vous concernant ou vous affectant de manière significative (article 22 du RGPD). Le coach est une intelligence artificielle qui personnalise ses conseils à partir de votre profil (niche, objectifs, niveau, style d'apprentissage, pays, langue) : c'est un profilage limité à la personnalisation des réponses, et c'est vous qui décidez de suivre ou non ses conseils.",
        "Les fichiers de cet export",
        "data.json contient toutes vos données dans un format structuré (schéma jimp-export/1, dates ISO 8601 en UTC). Le dossier csv/ les présente en tableaux, un fichier par catégorie (UTF-8 avec BOM, lisible par Excel). Chaque message produit par l'IA porte ai_generated: true ; prompt_tokens et completion_tokens indiquent combien de jetons le modèle a lus et écrits pour cette réponse.");

    public static readonly ExportTexts En = new(
        "Your JIMP data",
        "Export generated on {0} UTC, answering your request for access (GDPR Article 15) and portability (Article 20). This document sums up what we hold about you and what the law entitles you to know.",
        "The data we keep, why, on what basis and for how long (Art. 15(1)(a), (b) and (d))",
        ["Category of data", "Records", "Purpose", "Legal basis", "Retention"],
        "Recipients (Art. 15(1)(c))",
        "Microsoft Ireland Operations Limited (Microsoft Azure hosting in the EU, including Azure OpenAI Service for the coach's answers, and technical monitoring) and our e-mail provider, both processors acting on our instructions (GDPR Article 28). Microsoft may keep the model's prompts and answers for up to 30 days for abuse monitoring only. No data is sold, or sent to TikTok; an authority receives it only where the law requires.",
        "Transfers outside the European Union and safeguards (Art. 15(2))",
        "Your data is stored and processed in the European Union (Azure region France Central by default; Azure OpenAI in an EU region with an \"EU Data Zone\" deployment). As Microsoft Ireland Operations Limited is a subsidiary of Microsoft Corporation (United States), access from outside the EU, for support in particular, cannot be ruled out. Safeguards: Microsoft's EU Data Boundary commitment; Microsoft's data protection addendum, which incorporates the European Commission's standard contractual clauses (Implementing Decision (EU) 2021/914, GDPR Art. 46); Microsoft Corporation's certification under the EU–US Data Privacy Framework (adequacy decision (EU) 2023/1795, GDPR Art. 45). Where the e-mail provider processes data and its safeguards are given in the privacy policy (section 7). You may get a copy of these safeguards by asking the contact named in the policy.",
        "Your rights (Art. 15(1)(e) and (f))",
        "You may ask for your data to be rectified or erased, for its processing to be restricted, object to processing based on our legitimate interest (aggregate statistics), withdraw a consent at any time and receive your data in a portable format. All of this is in the app's Privacy center, or by e-mail to the contact named in the policy; we answer within one month at most.",
        "You may lodge a complaint with the French data protection authority, the CNIL (Commission nationale de l'informatique et des libertés), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France, www.cnil.fr.",
        "Where the data comes from (Art. 15(1)(g))",
        "All of it comes from you (account, profile, conversations, creator workspace, privacy choices) or from your use of the Service (sessions, security log, abuse counters). We receive no data about you from anyone else; TikTok trends are public data that is not about you.",
        "Automated decisions and profiling (Art. 15(1)(h))",
        "JIMP takes no decision based solely on automated processing that produces legal effects concerning you or similarly significantly affects you (GDPR Article 22). The coach is an artificial intelligence that tailors its advice to your profile (niche, goals, level, learning style, country, language): this is profiling limited to personalising the answers, and you decide whether to follow its advice.",
        "The files of this export",
        "data.json holds all your data in a structured format (schema jimp-export/1, ISO 8601 times in UTC). The csv/ folder shows it as tables, one file per category (UTF-8 with a BOM, so Excel reads accents). Every message written by the AI carries ai_generated: true; prompt_tokens and completion_tokens say how many tokens the model read and wrote for that answer.");
}
