using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Accounts;

/// <summary>
/// The <c>minorblocklist</c> table: the addresses of people found to be under the minimum age, as keyed hashes
/// (HMAC, the key outside the data store), so that address can no longer sign up, get a link or sign in.
/// One entity per address (partition = keyed hash): when it was blocked and when the block expires; housekeeping
/// deletes expired entries. Nothing else: no address, no user id.
/// </summary>
public sealed class MinorBlocklist(JimpStorage storage, KeyedHash keyedHash, IOptions<OperatorOptions> options, TimeProvider clock)
{
    public const string Table = "minorblocklist";
    public const string HashPurpose = "minor-block";
    private const string Row = "blocked";

    public string KeyOf(string email) => keyedHash.Hash(HashPurpose, AccountStore.NormaliseEmail(email));

    /// <summary>Blocks the address (again: the block's period starts over). Returns when it expires.</summary>
    public async Task<DateTimeOffset> BlockAsync(string email, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expiresAt = now + options.Value.MinorBlockRetention;
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(KeyOf(email), Row) { ["BlockedAt"] = now, ["ExpiresAt"] = expiresAt }, TableUpdateMode.Replace, cancellationToken);
        return expiresAt;
    }

    public async Task<bool> IsBlockedAsync(string email, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(KeyOf(email), Row, cancellationToken: cancellationToken);
        return found.HasValue && (found.Value!.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MaxValue) > clock.GetUtcNow();
    }

    /// <summary>How many addresses are blocked now (for the console; no address can be read back).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var count = 0;
        var now = clock.GetUtcNow();
        await foreach (var e in table.QueryAsync<TableEntity>(select: ["ExpiresAt"], cancellationToken: cancellationToken))
        {
            if ((e.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MaxValue) > now) count++;
        }
        return count;
    }
}

/// <summary>
/// The blocklist in the registry: it holds a pseudonymous key of an address, not linked to any account, and it
/// must outlive the minor's account (that is its purpose), so an erasure keeps it and an export has nothing of it.
/// </summary>
public sealed class MinorBlocklistStore(IOptions<OperatorOptions> options) : IPersonalDataStore
{
    public string Name => MinorBlocklist.Table;

    public (string Fr, string En) Title => ("Adresses bloquées (mineurs)", "Blocked addresses (minors)");

    public string Purpose => "Keep a person found to be under the minimum age from signing up or signing in again with the same address.";

    public string LegalBasis => "Legitimate interest: security of accounts and of the Service, enforcing the minimum age (Art. 6(1)(f))";

    public string Retention => $"{(int)options.Value.MinorBlockRetention.TotalDays} days after the flag (a keyed hash of the address only), then deleted by housekeeping.";

    public PersonalDataTexts French => new("Empêcher une personne n'ayant pas l'âge minimum de se réinscrire ou de se reconnecter avec la même adresse.",
        "Intérêt légitime : sécurité des comptes et du Service, respect de l'âge minimum (art. 6.1.f RGPD)",
        $"{(int)options.Value.MinorBlockRetention.TotalDays} jours après le signalement (une empreinte à clé de l'adresse seulement), puis supprimée par le nettoyage.");

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]);

    /// <summary>Kept on purpose: erasing a minor's account must not lift the block. Nothing in it names the account.</summary>
    public Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken) => Task.FromResult(0);
}
