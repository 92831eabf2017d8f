using System.Globalization;
using Jimp.Functions.Platform;
using Jimp.Functions.Trends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jimp.TrendImport;

/// <summary>
/// <c>scripts/import-trends.sh FILE.json|FILE.csv [--kind K] [--country C] [--period P] [--date yyyy-MM-dd]</c>:
/// imports a trend snapshot file into JIMP's storage through <see cref="TrendImporter"/>, with the app's own
/// registration (<c>AddJimp</c>) and configuration (this folder's trendimport.settings.json, then environment variables
/// such as <c>Storage__ConnectionString</c> or <c>Storage__TableServiceUri</c> with a signed-in Azure identity).
/// </summary>
public static class ImportCommand
{
    public const string SettingsFile = "trendimport.settings.json";

    public const string Usage =
        "usage: import-trends FILE.json|FILE.csv [--kind hashtags|songs|products|keywords] [--country FR] [--period 7] [--date yyyy-MM-dd]\n" +
        "  CSV header: " + TrendImporter.CsvHeader + "\n" +
        "  JSON: a Creative Center answer {\"code\":0,\"data\":{\"list\":[...]}}; kind/country/period/date from the options or the file's top level";

    /// <returns>0 when imported, 1 when the file or the settings are refused, 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IEnumerable<KeyValuePair<string, string?>>? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!TryParse(args, out var file, out var defaults, out var problem))
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Usage);
            return 2;
        }
        if (!File.Exists(file))
        {
            await error.WriteLineAsync($"No file at {file}.");
            return 1;
        }

        var builder = CommandHost.CreateBuilder(SettingsFile, settings);
        using var host = builder.Build();
        try
        {
            var report = await host.Services.GetRequiredService<TrendImporter>().ImportFileAsync(file, defaults, cancellationToken);
            foreach (var s in report.Snapshots)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"imported {s.Key.Kind} {s.Key.Country} {s.Key.Period} days {s.Date:yyyy-MM-dd}: {s.Items.Count} items"));
            }
            return 0;
        }
        catch (TrendImportException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
        catch (OptionsValidationException ex)
        {
            await error.WriteLineAsync("The settings are not valid: " + string.Join(" ", ex.Failures));
            return 1;
        }
    }

    private static bool TryParse(string[] args, out string file, out TrendImportDefaults defaults, out string problem)
    {
        file = "";
        defaults = new TrendImportDefaults();
        problem = "";
        string? kind = null, country = null;
        int? period = null;
        DateOnly? date = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (file.Length > 0)
                {
                    problem = "Give one file.";
                    return false;
                }
                file = arg;
                continue;
            }
            if (i + 1 >= args.Length)
            {
                problem = $"{arg} needs a value.";
                return false;
            }
            var value = args[++i];
            switch (arg)
            {
                case "--kind":
                    kind = value;
                    break;
                case "--country":
                    country = value;
                    break;
                case "--period" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p):
                    period = p;
                    break;
                case "--date" when DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d):
                    date = d;
                    break;
                default:
                    problem = $"{arg} {value} is not understood.";
                    return false;
            }
        }
        if (file.Length == 0)
        {
            problem = "Give the file to import.";
            return false;
        }
        defaults = new TrendImportDefaults(kind, country, period, date);
        return true;
    }
}
