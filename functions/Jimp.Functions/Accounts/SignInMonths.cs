using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;

namespace Jimp.Functions.Accounts;

/// <summary>
/// The <c>signinmonths</c> index (#20): one row per account in the partition of the month (UTC, <c>yyyyMM</c>) of its
/// last sign-in, row key = the user id, and when the row was written (<c>WrittenAt</c>, on the app's clock); no address. Written by <see cref="AccountStore"/> at sign-up and
/// on the first sign-in of a new month (the new row, then the old one deleted); read by the inactivity job, which
/// reads only the months that are due (a key range: <c>PartitionKey le</c> the cut-off's month) instead of every
/// account. Partitions take one write per person per month at most: far below the ~2,000 entities/s of a partition.
/// </summary>
public static class SignInMonths
{
    public const string Table = "signinmonths";

    /// <summary>Marks a mailing's cursor as a continuation of this index (a cursor without it pages <c>users</c>).</summary>
    private const string CursorPrefix = "months:";

    public static string MonthOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    public static TableEntity Row(string month, string userId, DateTimeOffset writtenAt) => new(month, userId) { ["WrittenAt"] = writtenAt };

    /// <summary>When the row was written (a row of before this column: long ago).</summary>
    public static DateTimeOffset WrittenAt(TableEntity row) => row?.GetDateTimeOffset("WrittenAt") ?? DateTimeOffset.MinValue;

    /// <summary>The months up to and including the cut-off's (that month's rows are checked one by one).</summary>
    public static string DueFilter(DateTimeOffset notSignedInSince) => TableClient.CreateQueryFilter($"PartitionKey le {MonthOf(notSignedInSince)}");

    public static bool IsIndexCursor(string? cursor) => cursor?.StartsWith(CursorPrefix, StringComparison.Ordinal) == true;

    public static string? TokenOfCursor(string? cursor) => IsIndexCursor(cursor) ? cursor![CursorPrefix.Length..] : null;

    public static string? CursorOfToken(string? token) => token is null ? null : CursorPrefix + token;

    public static async Task AddAsync(JimpStorage storage, string userId, DateTimeOffset lastSignInAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpsertEntityAsync(Row(MonthOf(lastSignInAt), userId, now), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Deletes one row (none there: nothing happens); true if one was deleted.</summary>
    public static async Task<bool> DeleteAsync(JimpStorage storage, string month, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var table = await storage.TableAsync(Table, cancellationToken);
        var response = await table.DeleteEntityAsync(month, userId, ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>
    /// Every month a row of this account can be in: from the month it was created (or first signed in, if earlier)
    /// to the current one. Rows are only ever written for a last sign-in, which lies in that span.
    /// </summary>
    public static IEnumerable<string> PossibleMonths(Account account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(account);
        var first = account.CreatedAt == default || account.LastSignInAt < account.CreatedAt ? account.LastSignInAt : account.CreatedAt;
        var month = new DateTime(first.UtcDateTime.Year, first.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var last = now.UtcDateTime > account.LastSignInAt.UtcDateTime ? now.UtcDateTime : account.LastSignInAt.UtcDateTime;
        for (; month <= last; month = month.AddMonths(1)) yield return month.ToString("yyyyMM", CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// The sign-in-month index as a store of personal data: the user id and the month of the last sign-in. Exported (the
/// months it holds) and erased by point operations on every month the account can have a row in (from its creation
/// to now: about 25 for an account erased for inactivity), read from the account, which the erasure deletes last.
/// </summary>
public sealed class SignInMonthStore(JimpStorage storage, AccountStore accounts, TimeProvider clock) : IPersonalDataStore
{
    public string Name => SignInMonths.Table;

    public (string Fr, string En) Title => ("Mois de dernière connexion", "Month of last sign-in");

    public string Purpose => "Find the accounts due for the inactivity warning or erasure without reading every account.";

    public string LegalBasis => "Contract (Art. 6(1)(b))";

    public string Retention => "As long as the account exists; the row moves when the month of the last sign-in changes.";

    public PersonalDataTexts French => new("Retrouver les comptes à avertir ou à supprimer pour inactivité sans relire tous les comptes.",
        PersonalDataTexts.ContractFr, "Tant que le compte existe ; la ligne change de mois quand le mois de la dernière connexion change.");

    public async Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(userId, cancellationToken);
        if (account is null) return [];
        var table = await storage.TableAsync(Name, cancellationToken);
        var records = new List<ExportRecord>();
        foreach (var month in SignInMonths.PossibleMonths(account, clock.GetUtcNow()))
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(month, userId, ["RowKey"], cancellationToken);
            if (row.HasValue) records.Add(new ExportRecord { ["last_sign_in_month"] = month[..4] + "-" + month[4..] });
        }
        return records;
    }

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        // The account is erased after every other store, so it is still there (a restore skips the backup's rows of
        // an erased person instead: AccountStore.UserIdOfRawRow).
        var account = await accounts.GetAsync(subject.UserId, cancellationToken);
        if (account is null) return 0;
        var erased = 0;
        foreach (var month in SignInMonths.PossibleMonths(account, clock.GetUtcNow()))
        {
            if (await SignInMonths.DeleteAsync(storage, month, subject.UserId, cancellationToken)) erased++;
        }
        return erased;
    }
}
