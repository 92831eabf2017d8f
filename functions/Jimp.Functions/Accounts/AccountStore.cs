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
    DateTimeOffset? ErasingSince = null);

/// <summary>
/// The <c>users</c> table (one entity per user, partition = user id) and the <c>emailindex</c> table (one
/// entity per address, keyed by the SHA-256 of the normalised address, pointing at the user id).
/// </summary>
public enum EmailChange
{
    Changed,
    Taken,
    AccountGone,
}

public sealed class AccountStore(JimpStorage storage)
{
    public const string UsersTable = "users";
    public const string EmailIndexTable = "emailindex";
    public const string AccountRow = "account";
    public const string IndexRow = "user";

    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    public static string EmailKey(string email) => Secrets.Hash(NormaliseEmail(email));

    public async Task<string?> FindUserIdByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        var entry = await index.GetEntityIfExistsAsync<TableEntity>(EmailKey(email), IndexRow, cancellationToken: cancellationToken);
        return entry.HasValue ? entry.Value!.GetString("UserId") : null;
    }

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
        var entry = new TableEntity(EmailKey(account.Email), IndexRow) { ["UserId"] = account.UserId, ["CreatedAt"] = account.CreatedAt };
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

    /// <summary>Sets the account's fields (a merge: other features' columns stay); false if the account no longer exists.</summary>
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
        var entry = new TableEntity(EmailKey(newEmail), IndexRow) { ["UserId"] = account.UserId, ["CreatedAt"] = now };
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
        e.GetBoolean("IsMinorFlagged") ?? false,
        e.GetDateTimeOffset("ErasingSince"));
}
