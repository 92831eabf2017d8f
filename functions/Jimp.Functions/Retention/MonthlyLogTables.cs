using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Retention;

/// <summary>One month's table of a log family, e.g. family <c>security</c>, month 2026-11 → <c>securitylog202611</c>.</summary>
/// <param name="Family">The family (<c>security</c>, <c>technical</c>...).</param>
/// <param name="Month">The first day of the month the table holds.</param>
/// <param name="Name">The name without the storage prefix (what <see cref="JimpStorage.Table"/> takes).</param>
public sealed record MonthlyLogTable(string Family, DateOnly Month, string Name);

/// <summary>
/// Month-sharded log tables: every log family writes to <c>{family}log{yyyyMM}</c> (with the storage prefix),
/// so a month of logs is deleted whole, with one request. Table names ending in <c>log</c> + six digits are
/// reserved for this: <see cref="LogExpiryService"/> deletes any of them once old enough.
/// </summary>
public sealed partial class MonthlyLogTables(JimpStorage storage)
{
    /// <summary><c>NameFor("security", 2026-11-…)</c> = <c>securitylog202611</c> (the storage prefix is added by <see cref="JimpStorage"/>).</summary>
    public static string NameFor(string family, DateOnly month)
    {
        ArgumentNullException.ThrowIfNull(family);
        if (!Family().IsMatch(family))
        {
            throw new ArgumentException("A log family is lowercase letters and digits, starting with a letter, at most 30 characters.", nameof(family));
        }
        return string.Create(CultureInfo.InvariantCulture, $"{family}log{month.Year:D4}{month.Month:D2}");
    }

    /// <summary>The table of the month (UTC) that <paramref name="when"/> falls in.</summary>
    public static string NameFor(string family, DateTimeOffset when) => NameFor(family, DateOnly.FromDateTime(when.UtcDateTime));

    /// <summary>Reads a name without prefix back into family and month; false for any other table.</summary>
    public static bool TryParse(string name, out MonthlyLogTable table)
    {
        ArgumentNullException.ThrowIfNull(name);
        table = null!;
        var m = LogName().Match(name);
        if (!m.Success)
        {
            return false;
        }
        var year = int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture);
        var month = int.Parse(m.Groups["month"].Value, CultureInfo.InvariantCulture);
        if (year < 2000 || month is < 1 or > 12)
        {
            return false;
        }
        table = new MonthlyLogTable(m.Groups["family"].Value, new DateOnly(year, month, 1), name);
        return true;
    }

    /// <summary>The month's table of a family, created on first use in this process (the current month for writers).</summary>
    public Task<TableClient> TableForAsync(string family, DateTimeOffset when, CancellationToken cancellationToken = default) =>
        storage.TableAsync(NameFor(family, when), cancellationToken);

    /// <summary>
    /// Every monthly log table under the storage prefix, of every family: one table-list query per 1,000 tables
    /// (the service's page size), whatever the tables hold.
    /// </summary>
    public async Task<IReadOnlyList<MonthlyLogTable>> ListAsync(CancellationToken cancellationToken)
    {
        var prefix = storage.Prefix;
        string? filter = null;
        if (prefix.Length > 0)
        {
            // Names from the prefix (inclusive) to the prefix with its last character incremented (exclusive).
            var upper = prefix[..^1] + (char)(prefix[^1] + 1);
            filter = TableServiceClient.CreateQueryFilter($"TableName ge {prefix} and TableName lt {upper}");
        }
        var tables = new List<MonthlyLogTable>();
        await foreach (var item in storage.TableService.QueryAsync(filter, cancellationToken: cancellationToken))
        {
            if (item.Name.StartsWith(prefix, StringComparison.Ordinal) && TryParse(item.Name[prefix.Length..], out var table))
            {
                tables.Add(table);
            }
        }
        return tables.OrderBy(t => t.Month).ThenBy(t => t.Family, StringComparer.Ordinal).ToList();
    }

    /// <summary>Deletes the whole table: one request, whatever it holds.</summary>
    public async Task DeleteAsync(MonthlyLogTable table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var fullName = storage.TableName(table.Name);
        try
        {
            await storage.TableService.DeleteTableAsync(fullName, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone (another run got there first): the outcome is the same.
        }
        storage.Forget(fullName);
    }

    [GeneratedRegex("^[a-z][a-z0-9]{0,29}$")]
    private static partial Regex Family();

    [GeneratedRegex("^(?<family>[a-z][a-z0-9]{0,29})log(?<year>[0-9]{4})(?<month>[0-9]{2})$")]
    private static partial Regex LogName();
}
