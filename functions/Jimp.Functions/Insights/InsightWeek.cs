using System.Globalization;
using System.Text.RegularExpressions;

namespace Jimp.Functions.Insights;

/// <summary>
/// An ISO 8601 week (Monday to Sunday, UTC), written <c>2026-W48</c>. The text sorts like the weeks, so it is the
/// partition key of the insights table and a range of weeks is a range of keys.
/// </summary>
public readonly partial record struct InsightWeek(int Year, int Week) : IComparable<InsightWeek>
{
    /// <summary>The week that <paramref name="when"/> falls in (UTC).</summary>
    public static InsightWeek Of(DateTimeOffset when)
    {
        var utc = when.UtcDateTime;
        return new InsightWeek(ISOWeek.GetYear(utc), ISOWeek.GetWeekOfYear(utc));
    }

    /// <summary>Monday 00:00 UTC.</summary>
    public DateTimeOffset Start => new(ISOWeek.ToDateTime(Year, Week, DayOfWeek.Monday), TimeSpan.Zero);

    /// <summary>The next Monday 00:00 UTC (exclusive end).</summary>
    public DateTimeOffset End => Start.AddDays(7);

    public InsightWeek AddWeeks(int weeks) => Of(Start.AddDays(7 * weeks));

    /// <summary>The week before the one <paramref name="now"/> falls in: the newest week that is over.</summary>
    public static InsightWeek LastCompleted(DateTimeOffset now) => Of(now).AddWeeks(-1);

    /// <summary>Weeks from <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    public static IEnumerable<InsightWeek> Range(InsightWeek first, InsightWeek last)
    {
        for (var week = first; week.CompareTo(last) <= 0; week = week.AddWeeks(1))
        {
            yield return week;
        }
    }

    /// <summary>Reads <c>yyyy-Www</c>; false for any other text or a week the year does not have.</summary>
    public static bool TryParse(string? text, out InsightWeek week)
    {
        week = default;
        var m = text is null ? Match.Empty : Pattern().Match(text);
        if (!m.Success)
        {
            return false;
        }
        var year = int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture);
        var number = int.Parse(m.Groups["week"].Value, CultureInfo.InvariantCulture);
        if (year is < 2000 or > 9998 || number < 1 || number > ISOWeek.GetWeeksInYear(year))
        {
            return false;
        }
        week = new InsightWeek(year, number);
        return true;
    }

    public int CompareTo(InsightWeek other) => Year != other.Year ? Year.CompareTo(other.Year) : Week.CompareTo(other.Week);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-W{Week:D2}");

    [GeneratedRegex("^(?<year>[0-9]{4})-W(?<week>[0-9]{2})$")]
    private static partial Regex Pattern();
}
