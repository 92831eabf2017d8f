using System.Globalization;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Trends;

/// <summary>Validates the query of <c>GET /api/trends</c>; every problem is a field error in one 400.</summary>
public static class TrendQueryParser
{
    public static TrendQuery Parse(IQueryCollection query, TrendsOptions options)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);

        string? country = query["country"];
        if (string.IsNullOrWhiteSpace(country))
        {
            errors["country"] = ["The country is required."];
        }
        else if (!options.Countries.Contains(country, StringComparer.Ordinal))
        {
            errors["country"] = [$"The country must be one of: {string.Join(", ", options.Countries)}."];
        }

        string? niche = query["niche"];
        if (string.IsNullOrEmpty(niche))
        {
            niche = null;
        }
        else if (!Niches.Exists(niche))
        {
            errors["niche"] = [$"The niche must be one of: {string.Join(", ", Niches.All.Select(n => n.Id))}."];
        }

        string? kind = query["kind"];
        if (string.IsNullOrEmpty(kind))
        {
            kind = null;
        }
        else if (!TrendKinds.IsKnown(kind))
        {
            errors["kind"] = [$"The kind must be one of: {string.Join(", ", TrendKinds.All)}."];
        }

        var period = options.Periods.FirstOrDefault(7);
        string? periodText = query["period"];
        if (!string.IsNullOrEmpty(periodText)
            && (!int.TryParse(periodText, NumberStyles.None, CultureInfo.InvariantCulture, out period) || !options.Periods.Contains(period)))
        {
            errors["period"] = [$"The period must be one of: {string.Join(", ", options.Periods)}."];
        }

        foreach (var key in query.Keys.Where(k => k is not ("country" or "niche" or "kind" or "period")))
        {
            errors[key] = ["Unknown parameter."];
        }
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors);
        }
        return new TrendQuery(country!, niche, kind, period);
    }
}
