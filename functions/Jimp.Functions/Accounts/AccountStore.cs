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
    bool IsMinorFlagged)
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

    /// <summary>Creates the account and its index entry; if the address was taken meanwhile, returns that user's id.</summary>
    public async Task<string> CreateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        try
        {
            await index.AddEntityAsync(IndexEntry(account.Email, account.UserId), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return (await FindUserIdByEmailAsync(account.Email, cancellationToken))!;
        }
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        await users.AddEntityAsync(ToEntity(account), cancellationToken);
        return account.UserId;
    }

    /// <summary>
    /// Writes the account's fields as a MERGE: a column the given record does not carry (an inactivity mark set
    /// after the record was read) stays. Nothing here relies on an update wiping a column: the inactivity marks
    /// count only when later than <see cref="Account.LastSignInAt"/>.
    /// </summary>
    public async Task UpdateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        await users.UpsertEntityAsync(ToEntity(account), TableUpdateMode.Merge, cancellationToken);
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

    /// <summary>Moves the account to a new address: the new index entry first (fails if taken), then the account, then the old entry.</summary>
    public async Task<bool> ChangeEmailAsync(Account account, string newEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        try
        {
            await index.AddEntityAsync(IndexEntry(newEmail, account.UserId), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
        await UpdateAsync(account with { Email = NormaliseEmail(newEmail) }, cancellationToken);
        await index.DeleteEntityAsync(EmailKey(account.Email), IndexRow, ETag.All, cancellationToken);
        return true;
    }

    /// <summary>The table that remembers under which key the e-mail index was last rebuilt (no personal data).</summary>
    public const string KeyStateTable = "keyedhashstate";

    private TableEntity IndexEntry(string email, string userId) =>
        new(EmailKey(email), IndexRow) { ["UserId"] = userId, ["KeyId"] = keyedHash.KeyId };

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
            await index.UpsertEntityAsync(IndexEntry(account.Email, account.UserId), TableUpdateMode.Replace, cancellationToken);
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
        e.GetBoolean("IsMinorFlagged") ?? false)
    {
        InactivityWarnedAt = e.GetDateTimeOffset(nameof(Account.InactivityWarnedAt)),
        InactivityErasureStartedAt = e.GetDateTimeOffset(nameof(Account.InactivityErasureStartedAt)),
        InactivityErasureRequestId = e.GetString(nameof(Account.InactivityErasureRequestId)),
    };
}
