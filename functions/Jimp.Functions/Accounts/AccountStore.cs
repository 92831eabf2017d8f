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
/// entity per address, keyed by the SHA-256 of the normalised address, pointing at the user id).
/// </summary>
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

    /// <summary>Creates the account and its index entry; if the address was taken meanwhile, returns that user's id.</summary>
    public async Task<string> CreateAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        var index = await storage.TableAsync(EmailIndexTable, cancellationToken);
        try
        {
            await index.AddEntityAsync(new TableEntity(EmailKey(account.Email), IndexRow) { ["UserId"] = account.UserId }, cancellationToken);
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
            await index.AddEntityAsync(new TableEntity(EmailKey(newEmail), IndexRow) { ["UserId"] = account.UserId }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
        await UpdateAsync(account with { Email = NormaliseEmail(newEmail) }, cancellationToken);
        await index.DeleteEntityAsync(EmailKey(account.Email), IndexRow, ETag.All, cancellationToken);
        return true;
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
