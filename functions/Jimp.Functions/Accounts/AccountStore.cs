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
    bool IsMinorFlagged);

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

    public async Task UpdateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var users = await storage.TableAsync(UsersTable, cancellationToken);
        await users.UpsertEntityAsync(ToEntity(account), TableUpdateMode.Replace, cancellationToken);
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

    private static TableEntity ToEntity(Account a) => new(a.UserId, AccountRow)
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
        e.GetBoolean("IsMinorFlagged") ?? false);
}
