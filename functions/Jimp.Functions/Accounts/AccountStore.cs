using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Accounts;

/// <summary>An account. The id is random; the e-mail is kept only to send mail; never a birth date.</summary>
public sealed record Account(
    string UserId,
    string Email,
    string Locale,
    DateTimeOffset CreatedAt,
    DateTimeOffset AgeConfirmedAt,
    string AcceptedPolicyVersion,
    DateTimeOffset AcceptedPolicyAt,
    DateTimeOffset LastSignInAt,
    bool Restricted,
    bool ObjectsToInsights,
    bool IsMinorFlagged,
    DateTimeOffset? ErasingSince = null)
{
    /// <summary>When Retention last warned that the account would be erased for inactivity (it counts only if after <see cref="LastSignInAt"/>).</summary>
    public DateTimeOffset? InactivityWarnedAt { get; init; }

    /// <summary>When Retention started erasing the account for inactivity (it counts only if after <see cref="LastSignInAt"/>).</summary>
    public DateTimeOffset? InactivityErasureStartedAt { get; init; }

    /// <summary>The privacy request of that erasure.</summary>
    public string? InactivityErasureRequestId { get; init; }

    /// <summary>Warned in the current period of inactivity: a sign-in after the warning starts a new period.</summary>
    public bool WarnedSinceLastSignIn => InactivityWarnedAt > LastSignInAt;

    /// <summary>An inactivity erasure was started in the current period of inactivity.</summary>
    public bool InactivityErasureStartedSinceLastSignIn => InactivityErasureStartedAt > LastSignInAt;

    /// <summary>
    /// The last sign-in as stored when this record was read (null: a record not read from storage). An update writes
    /// <see cref="LastSignInAt"/> only when it differs from this, so a record read before a concurrent sign-in never
    /// moves the sign-in back, and moves the sign-in-month row (<see cref="SignInMonths"/>) only when the month changed.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? StoredLastSignInAt { get; init; }
}

/// <summary>The outcome of <see cref="AccountStore.ChangeEmailAsync"/>.</summary>
public enum EmailChange
{
    Changed,
    Taken,
    AccountGone,
}

/// <summary>
/// The <c>users</c> table (one entity per user, partition = user id) and the <c>emailindex</c> table (one
/// entity per address, keyed by the keyed hash (HMAC-SHA256, <see cref="KeyedHash"/>) of the normalised address,
/// pointing at the user id), and the <c>signinmonths</c> index of the month of each last sign-in
/// (<see cref="SignInMonths"/>), which Retention's inactivity job reads instead of every account.
/// </summary>
public sealed class AccountStore(JimpStorage storage, KeyedHash keyedHash, TimeProvider clock)
{
    public const string UsersTable = "users";
    public const string EmailIndexTable = "emailindex";
    public const string AccountRow = "account";

    /// <summary>True for the accounts table (the erasure and a restore empty it last, after every other store).</summary>
    public static bool IsAccountsTable(string tableName) => tableName == UsersTable;

    /// <summary>The address on a row of the accounts table read raw (a backup's row), or null for any other row.</summary>
    public static string? AddressOfRawAccountRow(string tableName, TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return tableName == UsersTable && row.RowKey == AccountRow ? row.GetString("Email") : null;
    }
    /// <summary>
    /// The user a row of one of the accounts feature's tables read raw (a backup's row) belongs to, when its partition
    /// key is not the user id (the sign-in-month index: the row key), or null: a restore skips it for an erased person.
    /// </summary>
    public static string? UserIdOfRawRow(string tableName, TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return tableName == SignInMonths.Table ? row.RowKey : null;
    }

    public const string IndexRow = "user";

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    public string EmailKey(string email) => keyedHash.EmailIndexKey(NormaliseEmail(email));

    public async Task<string?> FindUserIdByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        var entry = await index.GetEntityIfExistsAsync<TableEntity>(EmailKey(email), IndexRow, cancellationToken: cancellationToken);
        if (entry.HasValue) return entry.Value!.GetString("UserId");
        // Not found: if the index was built under another key (first start after the keyed hash came, or a rotation),
        // rebuild it before saying "no account", or a sign-in would create a second account for the same address.
        if (!indexIsCurrent && await RekeyEmailIndexIfNeededAsync(cancellationToken) > 0)
        {
            entry = await index.GetEntityIfExistsAsync<TableEntity>(EmailKey(email), IndexRow, cancellationToken: cancellationToken);
            if (entry.HasValue) return entry.Value!.GetString("UserId");
        }
        return null;
    }

    private volatile bool indexIsCurrent;

    public async Task<Account?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        var entity = await users.GetEntityIfExistsAsync<TableEntity>(userId, AccountRow, cancellationToken: cancellationToken);
        return entity.HasValue ? ToAccount(entity.Value!) : null;
    }

    /// <summary>Every account (one query per 1,000 accounts), for the jobs that look at all users.</summary>
    public async IAsyncEnumerable<Account> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        await foreach (var e in users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {AccountRow}"), cancellationToken: cancellationToken))
        {
            yield return ToAccount(e);
        }
    }

    /// <summary>An index entry whose account does not exist this long after it was written was orphaned by a crash.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The id of the account a sign-in link creates for a new address: derived from the link, so that every attempt
    /// with that link (a retry after storage failed half-way, or a request whose first try landed although its answer
    /// was lost) creates the same account and finishes what an earlier attempt began, instead of leaving the earlier
    /// attempt's index entry behind as an account under way that locks the address out.
    /// </summary>
    public static string NewUserIdFor(SignInToken link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return Secrets.Hash("new-account:" + link.TokenHash)[..32];
    }

    /// <summary>
    /// Creates the account and its index entry; if the address was taken meanwhile, returns that user's id. Safe to
    /// call again with the same account (its id comes from the link: <see cref="NewUserIdFor"/>): an index entry or an
    /// account row already written by an earlier attempt is taken as done. An index entry left by a crash between the
    /// two writes for another id (it points at no account) is taken over, so it cannot lock the address out; a young
    /// one may be a sign-up still under way and is left to it.
    /// </summary>
    public async Task<string> CreateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        var entry = IndexEntry(account.Email, account.UserId, account.CreatedAt);
        try
        {
            await index.AddEntityAsync(entry, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await index.GetEntityIfExistsAsync<TableEntity>(entry.PartitionKey, IndexRow, cancellationToken: cancellationToken);
            if (!existing.HasValue) return await CreateAsync(account, cancellationToken);
            var owner = existing.Value!.GetString("UserId");
            if (owner != account.UserId)
            {
                var writtenAt = existing.Value!.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue;
                if (await GetAsync(owner, cancellationToken) is not null || account.CreatedAt - writtenAt < OrphanAge) return owner;
                try
                {
                    await index.UpdateEntityAsync(entry, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                catch (RequestFailedException race) when (race.Status is 404 or 412)
                {
                    return await CreateAsync(account, cancellationToken);
                }
            }
            // else: this account's own entry, written by an earlier attempt (or by this one, its answer lost): go on.
        }
        // The month row first: an account always has one (a crash in between leaves a row without an account, which
        // the inactivity job deletes when its month comes due).
        await SignInMonths.AddAsync(storage, account.UserId, account.LastSignInAt, clock.GetUtcNow(), cancellationToken);
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        try
        {
            await users.AddEntityAsync(ToEntity(account), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Written by an earlier attempt with the same id (ids are never reused): the account exists, as asked.
        }
        return account.UserId;
    }

    /// <summary>
    /// Records that the account accepted a version of the terms of use (CGU): the version and when it was first
    /// accepted (a merge of those two columns only; the same version accepted again keeps its first time).
    /// </summary>
    public async Task AcceptTermsAsync(string userId, string version, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        var row = await users.GetEntityIfExistsAsync<TableEntity>(userId, AccountRow, ["AcceptedTermsVersion"], cancellationToken);
        if (!row.HasValue || row.Value!.GetString("AcceptedTermsVersion") == version) return;
        try
        {
            await users.UpdateEntityAsync(new TableEntity(userId, AccountRow) { ["AcceptedTermsVersion"] = version, ["AcceptedTermsAt"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Erased meanwhile: nothing to record.
        }
    }

    /// <summary>
    /// Sets the account's fields (a merge: other features' columns and a mark written after the record was read stay);
    /// false if the account no longer exists. The last sign-in is written only if the record changed it; when its month
    /// changed (the first sign-in of a month), the sign-in-month row moves: the new row before the account, the old
    /// one after (2 writes and a read, once a month per person; every other update touches no index).
    /// </summary>
    public async Task<bool> UpdateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        var entity = ToEntity(account);
        var stored = account.StoredLastSignInAt;
        if (stored == account.LastSignInAt) entity.Remove("LastSignInAt");
        var moved = stored is null || SignInMonths.MonthOf(stored.Value) != SignInMonths.MonthOf(account.LastSignInAt);
        if (moved) await SignInMonths.AddAsync(storage, account.UserId, account.LastSignInAt, clock.GetUtcNow(), cancellationToken);
        try
        {
            // Never an upsert: an account erased meanwhile must not come back.
            await users.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            if (moved) await SignInMonths.DeleteAsync(storage, SignInMonths.MonthOf(account.LastSignInAt), account.UserId, cancellationToken);
            return false;
        }
        if (!moved) return true;
        if (stored is { } before) await SignInMonths.DeleteAsync(storage, SignInMonths.MonthOf(before), account.UserId, cancellationToken);
        // An erasure that marked the account before this read may have emptied the index before the new row was
        // written: the row goes again (one that marks it later erases the row itself, the row being written by then).
        var now = await users.GetEntityIfExistsAsync<TableEntity>(account.UserId, AccountRow, ["ErasingSince"], cancellationToken);
        if (!now.HasValue || now.Value!.GetDateTimeOffset("ErasingSince") is not null)
        {
            await SignInMonths.DeleteAsync(storage, SignInMonths.MonthOf(account.LastSignInAt), account.UserId, cancellationToken);
        }
        return true;
    }

    /// <summary>
    /// Every account, a page at a time with the page's continuation token, starting after <paramref name="continuationToken"/>
    /// (for jobs that save their progress and resume, such as the policy announcement).
    /// </summary>
    public async IAsyncEnumerable<(IReadOnlyList<Account> Accounts, string? ContinuationToken)> ListPagesAsync(string? continuationToken, int pageSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        var pages = users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {AccountRow}"), maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(continuationToken, pageSize);
        await foreach (var page in pages)
        {
            yield return (page.Values.Select(ToAccount).ToList(), page.ContinuationToken);
        }
    }

    /// <summary>
    /// One page of accounts (at most <paramref name="pageSize"/>, in key order) from <paramref name="continuationToken"/>,
    /// with the token of the next page (null after the last): one query, for jobs that save their place between pages
    /// (the bulk mailings). <paramref name="notSignedInSince"/> keeps only the accounts not signed in since then.
    /// </summary>
    public async Task<(IReadOnlyList<Account> Accounts, string? ContinuationToken)> ReadPageAsync(string? continuationToken, int pageSize, DateTimeOffset? notSignedInSince, CancellationToken cancellationToken)
    {
        // Not signed in since a date: the due months of the sign-in-month index once it is built (the cursor says
        // which source a mailing started on, so a backfill finishing mid-mailing does not mix the two).
        if (notSignedInSince is { } cutoff && (SignInMonths.IsIndexCursor(continuationToken) || (continuationToken is null && await SignInMonthsReadyAsync(cancellationToken))))
        {
            var months = await storage.TableAsync(SignInMonths.Table, cancellationToken);
            await foreach (var page in months.QueryAsync<TableEntity>(SignInMonths.DueFilter(cutoff), maxPerPage: pageSize, select: ["PartitionKey", "RowKey", "WrittenAt"], cancellationToken: cancellationToken)
                .AsPages(SignInMonths.TokenOfCursor(continuationToken), pageSize))
            {
                var accounts = await CheckDueAsync(page.Values, cutoff, cancellationToken);
                return (accounts, SignInMonths.CursorOfToken(page.ContinuationToken));
            }
            return ([], null);
        }
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        await foreach (var page in users.QueryAsync<TableEntity>(AccountFilter(notSignedInSince), maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages(continuationToken, pageSize))
        {
            return (page.Values.Select(ToAccount).ToList(), page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>How many accounts (optionally: not signed in since then) there are: one query per 1,000, keys only.</summary>
    public async Task<int> CountAsync(DateTimeOffset? notSignedInSince, CancellationToken cancellationToken)
    {
        var count = 0;
        if (notSignedInSince is { } cutoff && await SignInMonthsReadyAsync(cancellationToken))
        {
            // The rows of the due months (the cut-off's month whole: an upper bound of what the mailing looks at).
            var months = await storage.TableAsync(SignInMonths.Table, cancellationToken);
            await foreach (var _ in months.QueryAsync<TableEntity>(SignInMonths.DueFilter(cutoff), maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken)) count++;
            return count;
        }
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        await foreach (var _ in users.QueryAsync<TableEntity>(AccountFilter(notSignedInSince), maxPerPage: 1000, select: ["PartitionKey"], cancellationToken: cancellationToken)) count++;
        return count;
    }

    private static string AccountFilter(DateTimeOffset? notSignedInSince) => notSignedInSince is { } before
        ? TableClient.CreateQueryFilter($"RowKey eq {AccountRow} and LastSignInAt le {before}")
        : TableClient.CreateQueryFilter($"RowKey eq {AccountRow}");

    /// <summary>
    /// The accounts whose last sign-in is at or before <paramref name="before"/> (for Retention's inactivity job). Once
    /// the sign-in-month index is built: the rows of the due months only (one query per 1,000 rows), each checked
    /// against its account by a point read (a stale row, left by a crash or a sign-in under way, is deleted or skipped),
    /// so the cost follows the accounts due, not the accounts there are. Before: a filter over the <c>users</c> table.
    /// </summary>
    public async IAsyncEnumerable<Account> ListNotSignedInSinceAsync(DateTimeOffset before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await SignInMonthsReadyAsync(cancellationToken))
        {
            var months = await storage.TableAsync(SignInMonths.Table, cancellationToken);
            await foreach (var page in months.QueryAsync<TableEntity>(SignInMonths.DueFilter(before), maxPerPage: 1000, select: ["PartitionKey", "RowKey", "WrittenAt"], cancellationToken: cancellationToken).AsPages())
            {
                foreach (var account in await CheckDueAsync(page.Values, before, cancellationToken)) yield return account;
            }
            yield break;
        }
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {AccountRow} and LastSignInAt le {before}");
        await foreach (var e in users.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return ToAccount(e);
        }
    }

    /// <summary>Records that the inactivity warning was sent (only this column is written).</summary>
    public Task MarkInactivityWarnedAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken) =>
        MergeAsync(new TableEntity(userId, AccountRow) { [nameof(Account.InactivityWarnedAt)] = at }, cancellationToken);

    /// <summary>Records that an inactivity erasure was started, with its privacy request (only these columns are written).</summary>
    public Task MarkInactivityErasureStartedAsync(string userId, DateTimeOffset at, string requestId, CancellationToken cancellationToken) =>
        MergeAsync(new TableEntity(userId, AccountRow) { [nameof(Account.InactivityErasureStartedAt)] = at, [nameof(Account.InactivityErasureRequestId)] = requestId }, cancellationToken);

    private async Task MergeAsync(TableEntity columns, CancellationToken cancellationToken)
    {
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        try
        {
            await users.UpdateEntityAsync(columns, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The account is gone (erased meanwhile): nothing to mark, and it must not come back.
        }
    }

    /// <summary>Marks the account as being erased: from then on it cannot sign in or change its address.</summary>
    public async Task MarkErasingAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        try
        {
            await users.UpdateEntityAsync(new TableEntity(userId, AccountRow) { ["ErasingSince"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Moves the account to a new address: the new index entry first (fails if taken), then the account, then the
    /// old entry. If the account was erased meanwhile, the new entry is removed again and nothing comes back.
    /// </summary>
    public async Task<EmailChange> ChangeEmailAsync(Account account, string newEmail, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        var entry = IndexEntry(newEmail, account.UserId, now);
        try
        {
            await index.AddEntityAsync(entry, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return EmailChange.Taken;
        }
        if (!await UpdateAsync(account with { Email = NormaliseEmail(newEmail) }, cancellationToken) || (await GetAsync(account.UserId, cancellationToken))?.ErasingSince is not null)
        {
            await index.DeleteEntityAsync(entry.PartitionKey, IndexRow, ETag.All, cancellationToken);
            return EmailChange.AccountGone;
        }
        await index.DeleteEntityAsync(EmailKey(account.Email), IndexRow, ETag.All, cancellationToken);
        return EmailChange.Changed;
    }

    /// <summary>How many point reads of accounts a page of the index runs at once.</summary>
    private const int CheckParallelism = 16;

    /// <summary>
    /// The accounts of index rows that are due: each row's account read (a point read); a row whose account is gone,
    /// or whose account's last sign-in is in another month (a crash between the two writes of a move), is deleted.
    /// </summary>
    private async Task<IReadOnlyList<Account>> CheckDueAsync(IReadOnlyList<TableEntity> rows, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var found = new Account?[rows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), new ParallelOptions { MaxDegreeOfParallelism = CheckParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var row = rows[i];
            var account = await GetAsync(row.RowKey, ct);
            if (account is null || SignInMonths.MonthOf(account.LastSignInAt) != row.PartitionKey)
            {
                // Stale: the account is gone, or its row is in its current month (written before this one was deleted).
                // A row younger than OrphanAge may be a sign-up or a sign-in still under way: left to it.
                if (clock.GetUtcNow() - SignInMonths.WrittenAt(row) > OrphanAge)
                {
                    await SignInMonths.DeleteAsync(storage, row.PartitionKey, row.RowKey, ct);
                }
                return;
            }
            if (account.LastSignInAt <= before) found[i] = account;
        });
        return [.. found.OfType<Account>()];
    }

    /// <summary>The marker of the one-time backfill of the sign-in-month index, in <see cref="KeyStateTable"/>.</summary>
    private const string SignInMonthsMarker = "signinmonths";

    /// <summary>True once the sign-in-month index holds every account (its backfill finished): one point read.</summary>
    public async Task<bool> SignInMonthsReadyAsync(CancellationToken cancellationToken)
    {
        var state = await storage.TableAsync(KeyStateTable, cancellationToken);
        return (await state.GetEntityIfExistsAsync<TableEntity>("state", SignInMonthsMarker, ["RowKey"], cancellationToken)).HasValue;
    }

    /// <summary>
    /// The one-time backfill of the sign-in-month index (run by housekeeping): every account's row, written by month
    /// in transactions of 100, then the marker; one read when it is done. Accounts created or signed in meanwhile
    /// write their own rows; a row the backfill writes for a month a sign-in just left is stale, and the inactivity
    /// job deletes it when it reaches it. Until the marker exists the job uses the filter over <c>users</c>. Idempotent.
    /// </summary>
    public async Task<int> BackfillSignInMonthsIfNeededAsync(CancellationToken cancellationToken)
    {
        if (await SignInMonthsReadyAsync(cancellationToken)) return 0;
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        var months = await storage.TableAsync(SignInMonths.Table, cancellationToken);
        var written = 0;
        var now = clock.GetUtcNow();
        await foreach (var page in users.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {AccountRow}"), maxPerPage: 1000, select: ["PartitionKey", "LastSignInAt"], cancellationToken: cancellationToken).AsPages())
        {
            foreach (var month in page.Values.GroupBy(e => SignInMonths.MonthOf(e.GetDateTimeOffset("LastSignInAt") ?? default)))
            {
                foreach (var chunk in month.Chunk(100))
                {
                    await months.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, SignInMonths.Row(month.Key, e.PartitionKey, now))), cancellationToken);
                    written += chunk.Length;
                }
            }
        }
        var state = await storage.TableAsync(KeyStateTable, cancellationToken);
        await state.UpsertEntityAsync(new TableEntity("state", SignInMonthsMarker) { ["BackfilledAt"] = now, ["Rows"] = written }, TableUpdateMode.Replace, cancellationToken);
        return Math.Max(written, 1);
    }

    /// <summary>The table that remembers under which key the e-mail index was last rebuilt, and that the sign-in-month index was backfilled (no personal data).</summary>
    public const string KeyStateTable = "keyedhashstate";

    private TableEntity IndexEntry(string email, string userId, DateTimeOffset createdAt) =>
        new(EmailKey(email), IndexRow) { ["UserId"] = userId, ["CreatedAt"] = createdAt, ["KeyId"] = keyedHash.KeyId };

    /// <summary>
    /// Rebuilds the e-mail index under the current keyed-hash key when it was built under another one (the rows of
    /// before the keyed hash, SHA-256 of the address, or a rotated key): one read when nothing is to do. Every account
    /// gets its entry under the current key, then every entry not written under it is deleted. Idempotent.
    /// </summary>
    public async Task<int> RekeyEmailIndexIfNeededAsync(CancellationToken cancellationToken)
    {
        var state = await storage.TableAsync(KeyStateTable, cancellationToken);
        var marker = await state.GetEntityIfExistsAsync<TableEntity>("state", EmailIndexTable, cancellationToken: cancellationToken);
        if (marker.HasValue && marker.Value!.GetString("KeyId") == keyedHash.KeyId)
        {
            indexIsCurrent = true;
            return 0;
        }
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        var changed = 0;
        await foreach (var account in ListAsync(cancellationToken))
        {
            await index.UpsertEntityAsync(IndexEntry(account.Email, account.UserId, account.CreatedAt), TableUpdateMode.Replace, cancellationToken);
            changed++;
        }
        await foreach (var e in index.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "KeyId"], cancellationToken: cancellationToken))
        {
            if (e.GetString("KeyId") == keyedHash.KeyId) continue;
            await index.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken);
            changed++;
        }
        await state.UpsertEntityAsync(new TableEntity("state", EmailIndexTable) { ["KeyId"] = keyedHash.KeyId }, TableUpdateMode.Replace, cancellationToken);
        indexIsCurrent = true;
        return Math.Max(changed, 1);
    }

    private static TableEntity ToEntity(Account a)
    {
        var entity = Columns(a);
        // Only the marks the record carries: a null never clears a mark written by Retention after the record was read.
        if (a.InactivityWarnedAt is { } warned) entity[nameof(Account.InactivityWarnedAt)] = warned;
        if (a.InactivityErasureStartedAt is { } started) entity[nameof(Account.InactivityErasureStartedAt)] = started;
        if (a.InactivityErasureRequestId is { } requestId) entity[nameof(Account.InactivityErasureRequestId)] = requestId;
        return entity;
    }

    private static TableEntity Columns(Account a) => new(a.UserId, AccountRow)
    {
        ["Email"] = a.Email,
        ["Locale"] = a.Locale,
        ["CreatedAt"] = a.CreatedAt,
        ["AgeConfirmedAt"] = a.AgeConfirmedAt,
        ["AcceptedPolicyVersion"] = a.AcceptedPolicyVersion,
        ["AcceptedPolicyAt"] = a.AcceptedPolicyAt,
        ["LastSignInAt"] = a.LastSignInAt,
        ["Restricted"] = a.Restricted,
        ["ObjectsToInsights"] = a.ObjectsToInsights,
        ["IsMinorFlagged"] = a.IsMinorFlagged,
    };

    private static Account ToAccount(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Email"),
        e.GetString("Locale") ?? "fr",
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("AgeConfirmedAt") ?? default,
        e.GetString("AcceptedPolicyVersion") ?? "",
        e.GetDateTimeOffset("AcceptedPolicyAt") ?? default,
        e.GetDateTimeOffset("LastSignInAt") ?? default,
        e.GetBoolean("Restricted") ?? false,
        e.GetBoolean("ObjectsToInsights") ?? false,
        e.GetBoolean("IsMinorFlagged") ?? false,
        e.GetDateTimeOffset("ErasingSince"))
    {
        InactivityWarnedAt = e.GetDateTimeOffset(nameof(Account.InactivityWarnedAt)),
        InactivityErasureStartedAt = e.GetDateTimeOffset(nameof(Account.InactivityErasureStartedAt)),
        InactivityErasureRequestId = e.GetString(nameof(Account.InactivityErasureRequestId)),
        StoredLastSignInAt = e.GetDateTimeOffset("LastSignInAt") ?? default,
    };
}
