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
/// pointing at the user id).
/// </summary>
public sealed class AccountStore(JimpStorage storage, KeyedHash keyedHash)
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
    /// Creates the account and its index entry; if the address was taken meanwhile, returns that user's id. An index
    /// entry left by a crash between the two writes (it points at no account) is taken over, so it cannot lock the
    /// address out; a young one may be a sign-up still under way and is left to it.
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
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        await users.AddEntityAsync(ToEntity(account), cancellationToken);
        return account.UserId;
    }

    /// <summary>Sets the account's fields (a merge: other features' columns and a mark written after the record was read stay); false if the account no longer exists.</summary>
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

    public async Task<bool> UpdateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        try
        {
            // Never an upsert: an account erased meanwhile must not come back.
            await users.UpdateEntityAsync(ToEntity(account), ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
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
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        var count = 0;
        await foreach (var _ in users.QueryAsync<TableEntity>(AccountFilter(notSignedInSince), maxPerPage: 1000, select: ["PartitionKey"], cancellationToken: cancellationToken)) count++;
        return count;
    }

    private static string AccountFilter(DateTimeOffset? notSignedInSince) => notSignedInSince is { } before
        ? TableClient.CreateQueryFilter($"RowKey eq {AccountRow} and LastSignInAt le {before}")
        : TableClient.CreateQueryFilter($"RowKey eq {AccountRow}");

    /// <summary>The accounts whose last sign-in is at or before <paramref name="before"/> (for Retention's inactivity job).</summary>
    public async IAsyncEnumerable<Account> ListNotSignedInSinceAsync(DateTimeOffset before, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
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

    /// <summary>The table that remembers under which key the e-mail index was last rebuilt (no personal data).</summary>
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
    };
}
