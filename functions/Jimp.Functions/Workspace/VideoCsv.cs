using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;

namespace Jimp.Functions.Workspace;

/// <summary>One problem of one CSV row: the line in the file (the header is line 1), the column, the message.</summary>
public sealed record CsvRowError(int Line, string? Column, string Message);

/// <summary>What reading a CSV gave: valid rows with their line, or the reasons none may be stored.</summary>
public sealed record CsvReadResult(IReadOnlyList<(int Line, string Key, VideoInput Video)> Rows, IReadOnlyList<CsvRowError> Errors, IReadOnlyList<string> IgnoredColumns, string Layout);

/// <summary>
/// Reads a CSV of videos: JIMP's template (its column ids, or their French/English titles), or the columns
/// TikTok Studio's analytics download names for a video's results (views, likes, comments, shares, average
/// watch time, watched full video). Comma or semicolon separated (French spreadsheets), UTF-8 with or without
/// BOM; numbers with a decimal point or comma, thousands separators, a trailing % or s. Every row is checked;
/// the caller stores nothing unless there is no error.
/// </summary>
public static partial class VideoCsv
{
    /// <summary>JIMP's template columns, in order (also named in the HTTP contract).</summary>
    public const string Columns = "date, product, hook_text, hook_style, format, length_seconds, views, average_watch_seconds, "
        + "completion_percent, likes, comments, shares, product_clicks, orders, commission_eur";

    /// <summary>JIMP's template columns, in order.</summary>
    public static IReadOnlyList<string> TemplateColumns { get; } = Columns.Split(", ");

    /// <summary>Header texts (normalised: lower case, letters and digits only) → template column.</summary>
    private static readonly Dictionary<string, string> Aliases = BuildAliases();

    /// <summary>Columns of TikTok Studio's download that JIMP knows and does not keep (said in the answer, not an error).</summary>
    private static readonly HashSet<string> KnownIgnored = new(StringComparer.Ordinal)
    {
        "videotitle", "title", "caption", "videolink", "link", "postlink", "videoid", "id", "reach", "totalplaytime", "totaltimewatched",
        "profileviews", "newfollowers", "followers", "favorites", "saves", "trafficsource", "estimatedrewards", "impressions",
    };

    /// <summary>Columns that identify a TikTok video across downloads (used, hashed, for the row's id).</summary>
    private static readonly HashSet<string> IdentityColumns = new(StringComparer.Ordinal) { "videolink", "link", "postlink", "videoid", "id" };

    public static string Template(bool french)
    {
        var sb = new StringBuilder();
        sb.AppendJoin(',', TemplateColumns).Append("\r\n");
        sb.Append(french
            ? "2026-11-02,Brosse anti-poils,Arrête de passer l'aspirateur comme ça,result-first,demo,21,12500,9.4,18,840,32,41,260,9,10.35\r\n"
            : "2026-11-02,Pet hair brush,Stop vacuuming like this,result-first,demo,21,12500,9.4,18,840,32,41,260,9,10.35\r\n");
        return sb.ToString();
    }

    public static CsvReadResult Read(string text, int maxRows, DateOnly today, IReadOnlyList<Product> products, bool french)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(products);
        string T(string fr, string en) => french ? fr : en;
        var errors = new List<CsvRowError>();
        var rows = new List<(int, string, VideoInput)>();
        var options = CsvReaderOptions.Default with
        {
            TrimWhitespace = true,
            TrackLineNumbers = true,
            DetectSeparatorHint = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            IncludeValuesInExceptions = false,
            MaxRecordSize = 64 * 1024,
        };
        using var parser = CsvReader.FromText(text.TrimStart('\uFEFF'), options);
        try
        {
            parser.ReadHeader();
            var header = parser.Headers.ToArray();
            if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
            {
                return Fail(T("Le fichier est vide : il faut une ligne d'en-tête puis une ligne par vidéo.", "The file is empty: a header line is needed, then one line per video."));
            }
            var columns = new string?[header.Length];
            var ignored = new List<string>();
            var unknown = new List<string>();
            var identity = -1;
            for (var i = 0; i < header.Length; i++)
            {
                var key = Normalise(header[i]);
                if (Aliases.TryGetValue(key, out var column))
                {
                    if (columns.Contains(column))
                    {
                        return Fail(T($"La colonne « {header[i]} » apparaît deux fois.", $"The column \"{header[i]}\" appears twice."));
                    }
                    columns[i] = column;
                }
                else if (KnownIgnored.Contains(key))
                {
                    ignored.Add(header[i]);
                    if (IdentityColumns.Contains(key) && identity < 0) identity = i;
                }
                else if (key.Length > 0)
                {
                    unknown.Add(header[i]);
                }
            }
            if (unknown.Count > 0)
            {
                errors.Add(new CsvRowError(1, string.Join(", ", unknown), T(
                    $"Colonnes inconnues : {string.Join(", ", unknown)}. Colonnes possibles : {string.Join(", ", TemplateColumns)}.",
                    $"Unknown columns: {string.Join(", ", unknown)}. Possible columns: {string.Join(", ", TemplateColumns)}.")));
            }
            foreach (var required in new[] { "date", "length_seconds", "views" })
            {
                if (!columns.Contains(required))
                {
                    errors.Add(new CsvRowError(1, required, T($"Colonne obligatoire absente : {required}.", $"Required column missing: {required}.")));
                }
            }
            if (errors.Count > 0) return new CsvReadResult([], errors, ignored, "");
            var layout = columns.Contains("hook_style") || columns.Contains("product") ? "jimp" : "tiktok-studio";

            var byName = products.GroupBy(p => p.Name.Trim(), StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.OrdinalIgnoreCase);
            var ids = products.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var count = 0;
            while (parser.Read())
            {
                var line = (int)parser.LineNumber;
                var record = Enumerable.Range(0, parser.FieldCount).Select(parser.GetString).ToArray();
                if (record.All(string.IsNullOrWhiteSpace)) continue;
                if (++count > maxRows)
                {
                    return Fail(T($"Trop de lignes : {maxRows} vidéos au plus par fichier (et par compte).", $"Too many rows: at most {maxRows} videos per file (and per account)."), ignored);
                }
                if (record.Length > header.Length)
                {
                    errors.Add(new CsvRowError(line, null, T($"{record.Length} valeurs pour {header.Length} colonnes.", $"{record.Length} values for {header.Length} columns.")));
                    continue;
                }
                string? Cell(string column)
                {
                    var index = Array.IndexOf(columns, column);
                    return index >= 0 && index < record.Length && record[index].Length > 0 ? record[index] : null;
                }
                var rowErrors = new List<CsvRowError>();
                void Bad(string column, string fr, string en) => rowErrors.Add(new CsvRowError(line, column, T(fr, en)));
                var date = ParseDate(Cell("date"));
                if (Cell("date") is { } rawDate && date is null) Bad("date", $"Date illisible « {Shorten(rawDate)} » (AAAA-MM-JJ ou JJ/MM/AAAA).", $"Unreadable date \"{Shorten(rawDate)}\" (YYYY-MM-DD or DD/MM/YYYY).");
                string? productId = null;
                if (Cell("product") is { } product)
                {
                    if (ids.Contains(product)) productId = product;
                    else if (byName.TryGetValue(product.Trim(), out var found)) productId = found;
                    else Bad("product", $"Produit inconnu « {Shorten(product)} » : ajoute-le d'abord dans « Mes produits ».", $"Unknown product \"{Shorten(product)}\": add it under \"My products\" first.");
                }
                string? hookStyle = null;
                if (Cell("hook_style") is { } style)
                {
                    hookStyle = HookStyles.Find(style)?.Id;
                    if (hookStyle is null) Bad("hook_style", $"Style de hook inconnu « {Shorten(style)} » ({string.Join(", ", HookStyles.All.Select(h => h.Id))}).", $"Unknown hook style \"{Shorten(style)}\" ({string.Join(", ", HookStyles.All.Select(h => h.Id))}).");
                }
                string? format = null;
                if (Cell("format") is { } f)
                {
                    format = VideoFormats.Find(f)?.Id;
                    if (format is null) Bad("format", $"Format inconnu « {Shorten(f)} » ({string.Join(", ", VideoFormats.All.Select(x => x.Id))}).", $"Unknown format \"{Shorten(f)}\" ({string.Join(", ", VideoFormats.All.Select(x => x.Id))}).");
                }
                decimal? Number(string column)
                {
                    if (Cell(column) is not { } raw) return null;
                    var value = ParseNumber(raw);
                    if (value is null) Bad(column, $"Nombre illisible « {Shorten(raw)} ».", $"Unreadable number \"{Shorten(raw)}\".");
                    return value;
                }
                long? Whole(string column)
                {
                    var value = Number(column);
                    if (value is { } v && v != Math.Floor(v)) { Bad(column, "Un nombre entier.", "A whole number."); return null; }
                    return value is { } w && Math.Abs(w) <= VideoInput.MaxCount * 10 ? (long)w : value is null ? null : long.MaxValue;
                }
                var video = new VideoInput(date, productId, Cell("hook_text"), hookStyle, format, Number("length_seconds"), Whole("views"),
                    Number("average_watch_seconds"), Number("completion_percent"), Whole("likes"), Whole("comments"), Whole("shares"),
                    Whole("product_clicks"), Whole("orders"), Number("commission_eur"));
                var fieldErrors = video.Validate(today, ids, french);
                foreach (var (field, messages) in fieldErrors)
                {
                    var column = ToColumn(field);
                    if (rowErrors.Any(e => e.Column == column)) continue; // already said why it could not be read
                    rowErrors.AddRange(messages.Select(m => new CsvRowError(line, column, m)));
                }
                if (rowErrors.Count > 0)
                {
                    errors.AddRange(rowErrors);
                    continue;
                }
                var basis = identity >= 0 && identity < record.Length && record[identity].Length > 0
                    ? "id|" + record[identity]
                    : string.Join('|', video.PostedOn, video.ProductId, video.HookText?.ToUpperInvariant(), video.LengthSeconds?.ToString(CultureInfo.InvariantCulture));
                var occurrence = seen[basis] = seen.GetValueOrDefault(basis) + 1;
                rows.Add((line, KeyOf(basis + "|" + occurrence), video));
            }
            return new CsvReadResult(errors.Count == 0 ? rows : [], errors, ignored, layout);
        }
        catch (CsvFormatException e)
        {
            var line = e.LineNumber;
            return Fail(T($"Fichier CSV mal formé près de la ligne {line} (guillemets ou séparateurs).", $"Malformed CSV near line {line} (quotes or separators)."));
        }

        CsvReadResult Fail(string message, IReadOnlyList<string>? ignoredColumns = null) => new([], [new CsvRowError(0, null, message)], ignoredColumns ?? [], "");
    }

    /// <summary>A row id from what identifies the video in the file, so importing the same file again replaces its rows instead of adding copies.</summary>
    internal static string KeyOf(string basis) => "c" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(basis)))[..24];

    private static string ToColumn(string field) => field switch
    {
        "postedOn" => "date",
        "productId" => "product",
        "hookText" => "hook_text",
        "hookStyle" => "hook_style",
        "lengthSeconds" => "length_seconds",
        "averageWatchSeconds" => "average_watch_seconds",
        "completionPercent" => "completion_percent",
        "productClicks" => "product_clicks",
        "commissionEur" => "commission_eur",
        _ => field,
    };

    internal static DateOnly? ParseDate(string? text)
    {
        if (text is null) return null;
        var t = text.Trim();
        string[] formats = ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy", "yyyy/MM/dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "dd/MM/yyyy HH:mm"];
        return DateTime.TryParseExact(t, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var d) ? DateOnly.FromDateTime(d) : null;
    }

    internal static decimal? ParseNumber(string text)
    {
        var t = Spaces().Replace(text, "");
        if (t.EndsWith('%')) t = t[..^1];
        else if (t.EndsWith('s') && !t.EndsWith("ss", StringComparison.Ordinal)) t = t[..^1];
        if (t.Length == 0) return null;
        if (t.Contains(',') && t.Contains('.')) t = t.Replace(",", "", StringComparison.Ordinal);
        else if (Thousands().IsMatch(t)) t = t.Replace(",", "", StringComparison.Ordinal);
        else t = t.Replace(',', '.');
        return decimal.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : null;
    }

    private static string Normalise(string header) => NotAlphanumeric().Replace(RemoveAccents(header).ToLowerInvariant(), "");

    private static string RemoveAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(c);
        }
        return sb.ToString();
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    private static Dictionary<string, string> BuildAliases()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string column, params string[] names)
        {
            map[Normalise(column)] = column;
            foreach (var n in names) map[Normalise(n)] = column;
        }
        Add("date", "Date de publication", "Posted on", "Post time", "Posted", "Video create time", "Create time", "Publish time");
        Add("product", "Produit", "Product name");
        Add("hook_text", "Hook", "Texte du hook");
        Add("hook_style", "Style de hook", "Type de hook", "Hook type");
        Add("format", "Format de vidéo", "Video format");
        Add("length_seconds", "Durée", "Durée (s)", "Length", "Duration", "Video duration", "Video duration (s)", "Length (s)");
        Add("views", "Vues", "Video views", "Total views", "Total video views", "Vues de la vidéo");
        Add("average_watch_seconds", "Temps de visionnage moyen", "Average watch time", "Avg watch time", "Average time watched", "Average watch time (s)");
        Add("completion_percent", "Visionnage complet", "Visionnage complet (%)", "Watched full video", "Watched full video (%)", "Completion rate", "Full video watched rate", "Video completion rate");
        Add("likes", "J'aime", "Total likes");
        Add("comments", "Commentaires", "Total comments");
        Add("shares", "Partages", "Total shares");
        Add("product_clicks", "Clics produit", "Product clicks", "Clics sur le produit");
        Add("orders", "Commandes", "Ventes", "Items sold", "Orders");
        Add("commission_eur", "Commission", "Commission (€)", "Commission earned", "Estimated commission");
        return map;
    }

    [GeneratedRegex("[^a-z0-9]")]
    private static partial Regex NotAlphanumeric();

    [GeneratedRegex(@"[\s\u00A0\u202F]")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^-?\d{1,3}(,\d{3})+$")]
    private static partial Regex Thousands();
}
