using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Jimp.Functions.Privacy;

/// <summary>One store's part of an export: its records, as written by the store's activity.</summary>
public sealed record ExportPart(string Store, string TitleFr, string TitleEn, string Purpose, string LegalBasis, string Retention, IReadOnlyList<ExportRecord> Records);

/// <summary>
/// Builds the export ZIP: <c>data.json</c> (schema <c>jimp-export/1</c>, documented in docs/privacy/export-format.md,
/// times in ISO-8601 UTC), one CSV per store, and <c>summary.html</c> (FR or EN) with the Art. 15(1) information.
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
            await WriteEntryAsync(zip, $"csv/{part.Store}.csv", Encoding.UTF8.GetBytes(Csv(part.Records)), cancellationToken);
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

    private static string Summary(string locale, DateTimeOffset generatedAt, IReadOnlyList<ExportPart> parts)
    {
        var fr = locale != "en";
        var h = new StringBuilder();
        string E(string s) => WebUtility.HtmlEncode(s);
        h.Append("<!doctype html><html lang=\"").Append(fr ? "fr" : "en").Append("\"><head><meta charset=\"utf-8\"><title>")
            .Append(fr ? "Vos données JIMP" : "Your JIMP data").Append("</title></head><body>");
        h.Append("<h1>").Append(fr ? "Vos données JIMP" : "Your JIMP data").Append("</h1>");
        h.Append("<p>").Append(E(fr
            ? $"Export généré le {generatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. Le fichier data.json contient toutes vos données dans un format structuré (portabilité, art. 20 RGPD) ; le dossier csv/ les présente en tableaux."
            : $"Export generated on {generatedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. data.json holds all your data in a structured format (portability, GDPR Art. 20); the csv/ folder shows it as tables.")).Append("</p>");
        h.Append("<h2>").Append(fr ? "Ce que nous conservons, pourquoi et combien de temps" : "What we keep, why and for how long").Append("</h2>");
        h.Append("<table><thead><tr><th>").Append(fr ? "Données" : "Data").Append("</th><th>").Append(fr ? "Enregistrements" : "Records")
            .Append("</th><th>").Append(fr ? "Finalité" : "Purpose").Append("</th><th>").Append(fr ? "Base légale" : "Legal basis")
            .Append("</th><th>").Append(fr ? "Conservation" : "Retention").Append("</th></tr></thead><tbody>");
        foreach (var p in parts)
        {
            h.Append("<tr><td>").Append(E(fr ? p.TitleFr : p.TitleEn)).Append("</td><td>").Append(p.Records.Count)
                .Append("</td><td>").Append(E(p.Purpose)).Append("</td><td>").Append(E(p.LegalBasis)).Append("</td><td>").Append(E(p.Retention)).Append("</td></tr>");
        }
        h.Append("</tbody></table>");
        h.Append("<h2>").Append(fr ? "Destinataires" : "Recipients").Append("</h2><p>").Append(E(fr
            ? "Microsoft (hébergement Azure dans l'UE, y compris Azure OpenAI pour les réponses du coach) et le prestataire d'envoi d'e-mails, en tant que sous-traitants. Aucune donnée n'est vendue ni envoyée à TikTok."
            : "Microsoft (Azure hosting in the EU, including Azure OpenAI for the coach's answers) and the e-mail provider, as processors. No data is sold or sent to TikTok.")).Append("</p>");
        h.Append("<h2>").Append(fr ? "Source" : "Source").Append("</h2><p>").Append(E(fr
            ? "Vous-même (compte, profil, messages) et votre utilisation du service (sessions, journal de sécurité). Les réponses marquées ai_generated ont été produites par une IA."
            : "You (account, profile, messages) and your use of the service (sessions, security log). Answers marked ai_generated were produced by an AI.")).Append("</p>");
        h.Append("<h2>").Append(fr ? "Vos droits" : "Your rights").Append("</h2><p>").Append(E(fr
            ? "Accès, rectification, effacement, limitation, portabilité, opposition et retrait du consentement : depuis l'espace Confidentialité de l'application, réponse sous un mois. Réclamation possible auprès de la CNIL (www.cnil.fr)."
            : "Access, rectification, erasure, restriction, portability, objection and withdrawal of consent: from the app's Privacy center, answered within one month. You may complain to the CNIL (www.cnil.fr).")).Append("</p>");
        h.Append("</body></html>");
        return h.ToString();
    }
}
