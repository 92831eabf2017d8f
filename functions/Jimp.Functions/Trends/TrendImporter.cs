using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Trends;

/// <summary>A file the owner asked to import that cannot be imported as it is; nothing of it was stored.</summary>
public sealed class TrendImportException(string message) : Exception(message);

/// <summary>What the command line says about a JSON file (the file's own <c>kind</c>, <c>country</c>, <c>period</c>, <c>date</c> fill the gaps).</summary>
public sealed record TrendImportDefaults(string? Kind = null, string? Country = null, int? Period = null, DateOnly? Date = null);

public sealed record TrendImportReport(IReadOnlyList<TrendSnapshot> Snapshots);

/// <summary>
/// The owner's import: a snapshot file, either a Creative Center answer (the JSON envelope, list under
/// <c>data.list</c> or <c>data.sound_list</c>, with <c>kind</c>/<c>country</c>/<c>period</c>/<c>date</c> at the top
/// or given on the command line) or a CSV with the header <c>kind,country,period,date,rank,name,metric</c>
/// (one snapshot per kind × country × period × date). The file is validated whole before anything is stored;
/// snapshots are stored through <see cref="TrendService"/> exactly as fetched ones (same-day ones replace).
/// JSON items go through the same mapper as fetched ones, so creators, nick names and avatars are dropped.
/// </summary>
public sealed class TrendImporter(TrendService trends, IOptions<TrendsOptions> options, TimeProvider clock)
{
    public const string CsvHeader = "kind,country,period,date,rank,name,metric";
    private const int MaxItems = 500;

    public async Task<TrendImportReport> ImportFileAsync(string path, TrendImportDefaults defaults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var stream = File.OpenRead(path);
        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".JSON" => await ImportJsonAsync(stream, defaults, cancellationToken),
            ".CSV" => await ImportCsvAsync(stream, cancellationToken),
            _ => throw new TrendImportException("The file must end in .json (a Creative Center answer) or .csv (" + CsvHeader + ")."),
        };
    }

    public async Task<TrendImportReport> ImportJsonAsync(Stream json, TrendImportDefaults defaults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(json, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            throw new TrendImportException("The file is not valid JSON.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TrendImportException("The JSON must be an object: the Creative Center envelope {\"code\":0,\"data\":{\"list\":[...]}}.");
            }
            var kind = defaults.Kind ?? Text(root, "kind") ?? throw new TrendImportException("Say which kind the file holds (--kind or \"kind\" in the file): " + string.Join(", ", TrendKinds.All) + ".");
            var country = defaults.Country ?? Text(root, "country") ?? throw new TrendImportException("Say which country the file is for (--country or \"country\" in the file).");
            var periodText = defaults.Period?.ToString(CultureInfo.InvariantCulture) ?? Text(root, "period") ?? throw new TrendImportException("Say which period the file covers (--period or \"period\" in the file).");
            var dateText = defaults.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? Text(root, "date") ?? Today().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var key = Key(kind, country, periodText, dateText, where: "The file", out var date);

            if (root.TryGetProperty("code", out var code) && (code.ValueKind != JsonValueKind.Number || !code.TryGetInt32(out var c) || c != 0))
            {
                throw new TrendImportException("The file is a Creative Center error answer (code is not 0); it holds no trends.");
            }
            var endpoint = TrendKinds.EndpointFor(key.Kind);
            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                throw new TrendImportException("The file has no \"data\" object.");
            }
            JsonElement list = default;
            var found = new[] { endpoint.ListKey, "list", "sound_list" }.Any(k => data.TryGetProperty(k, out list) && list.ValueKind == JsonValueKind.Array);
            if (!found)
            {
                throw new TrendImportException($"The file has no list under data.{endpoint.ListKey}.");
            }
            var items = new List<TrendSnapshotItem>();
            var position = 0;
            foreach (var element in list.EnumerateArray())
            {
                position++;
                if (CreativeCenterMapper.Map(key.Kind, element, position) is { } item && items.Count < MaxItems && items.All(i => !string.Equals(i.Name, item.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    items.Add(item);
                }
            }
            if (items.Count == 0)
            {
                throw new TrendImportException("The file's list holds no usable item.");
            }
            var snapshot = new TrendSnapshot(key, date, clock.GetUtcNow(), TrendSnapshot.FromImport, items.OrderBy(i => i.Rank).ToList());
            await trends.SaveAsync(snapshot, cancellationToken);
            return new TrendImportReport([snapshot]);
        }
    }

    public async Task<TrendImportReport> ImportCsvAsync(Stream csv, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(csv, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var rows = Csv.Parse(await reader.ReadToEndAsync(cancellationToken));
        if (rows.Count == 0 || !string.Equals(string.Join(',', rows[0].Fields.Select(f => f.Trim())), CsvHeader, StringComparison.OrdinalIgnoreCase))
        {
            throw new TrendImportException("The first line must be the header " + CsvHeader + ".");
        }
        var groups = new Dictionary<(TrendSnapshotKey, DateOnly), List<TrendSnapshotItem>>();
        foreach (var row in rows.Skip(1).Where(r => r.Fields.Any(f => f.Length > 0)))
        {
            var where = $"Line {row.Line}";
            if (row.Fields.Count != 7)
            {
                throw new TrendImportException($"{where} has {row.Fields.Count} fields; the header has 7.");
            }
            var f = row.Fields.Select(x => x.Trim()).ToArray();
            var key = Key(f[0], f[1], f[2], f[3], where, out var date);
            if (!int.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out var rank) || rank < 1)
            {
                throw new TrendImportException($"{where}: rank must be a whole number from 1.");
            }
            var name = f[5].TrimStart('#').Trim();
            if (name.Length is 0 or > 200)
            {
                throw new TrendImportException($"{where}: name must have 1 to 200 characters.");
            }
            long? metric = null;
            if (f[6].Length > 0)
            {
                if (!long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var m))
                {
                    throw new TrendImportException($"{where}: metric must be a whole number or empty.");
                }
                metric = m;
            }
            if (!groups.TryGetValue((key, date), out var items))
            {
                groups[(key, date)] = items = [];
            }
            if (items.Count >= MaxItems)
            {
                throw new TrendImportException($"{where}: a snapshot may hold at most {MaxItems} items.");
            }
            items.Add(new TrendSnapshotItem(rank, name, metric));
        }
        if (groups.Count == 0)
        {
            throw new TrendImportException("The file has a header but no rows.");
        }
        var now = clock.GetUtcNow();
        var snapshots = groups.Select(g => new TrendSnapshot(g.Key.Item1, g.Key.Item2, now, TrendSnapshot.FromImport,
            g.Value.OrderBy(i => i.Rank).DistinctBy(i => i.Name, StringComparer.OrdinalIgnoreCase).ToList())).ToList();
        foreach (var snapshot in snapshots)
        {
            await trends.SaveAsync(snapshot, cancellationToken);
        }
        return new TrendImportReport(snapshots);
    }

    private TrendSnapshotKey Key(string kind, string country, string period, string date, string where, out DateOnly day)
    {
        var o = options.Value;
        if (!TrendKinds.IsKnown(kind))
        {
            throw new TrendImportException($"{where}: kind '{kind}' is not one of {string.Join(", ", TrendKinds.All)}.");
        }
        if (!o.Countries.Contains(country, StringComparer.Ordinal))
        {
            throw new TrendImportException($"{where}: country '{country}' is not in Trends:Countries ({string.Join(", ", o.Countries)}).");
        }
        if (!int.TryParse(period, NumberStyles.None, CultureInfo.InvariantCulture, out var days) || !TrendKinds.EndpointFor(kind).Supports(days))
        {
            throw new TrendImportException($"{where}: period '{period}' is not one the Creative Center has for {kind} ({string.Join(", ", TrendKinds.EndpointFor(kind).Periods)}).");
        }
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day) || day > Today().AddDays(1))
        {
            throw new TrendImportException($"{where}: date '{date}' must be yyyy-MM-dd and not in the future.");
        }
        return new TrendSnapshotKey(country, kind, days);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

    /// <summary>RFC 4180: commas, double quotes doubled inside quoted fields, line breaks inside quotes.</summary>
    internal static class Csv
    {
        internal sealed record Row(int Line, IReadOnlyList<string> Fields);

        public static List<Row> Parse(string text)
        {
            var rows = new List<Row>();
            var fields = new List<string>();
            var field = new StringBuilder();
            var line = 1;
            var rowLine = 1;
            var quoted = false;
            for (var i = 0; i < text.Length; i++)
            {
                var ch = text[i];
                if (quoted)
                {
                    if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (ch == '"') quoted = false;
                    else { if (ch == '\n') line++; field.Append(ch); }
                    continue;
                }
                switch (ch)
                {
                    case '"' when field.Length == 0:
                        quoted = true;
                        break;
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        break;
                    case '\r':
                        break;
                    case '\n':
                        fields.Add(field.ToString());
                        field.Clear();
                        rows.Add(new Row(rowLine, fields));
                        fields = [];
                        line++;
                        rowLine = line;
                        break;
                    default:
                        field.Append(ch);
                        break;
                }
            }
            if (quoted)
            {
                throw new TrendImportException($"Line {rowLine}: a quoted field is not closed.");
            }
            if (field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                rows.Add(new Row(rowLine, fields));
            }
            return rows;
        }
    }
}
