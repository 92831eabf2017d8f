using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions.Accounts;

/// <summary>The accounts feature's personal data, declared beside its stores (export and erasure go through these).</summary>
public static class AccountsPersonalData
{
    private const string Contract = "Contract (Art. 6(1)(b))";

    public static IServiceCollection AddAccountsPersonalData(this IServiceCollection services)
    {
        services.AddUserPartitionTable(AccountStore.UsersTable,
            ("Compte", "Account"), "Run the account: sign-in, language, age confirmation, acceptance of the terms of use (CGU), acknowledgement of the privacy policy, privacy choices.", Contract,
            "Until the account is deleted, or 24 months without sign-in.",
            new("Faire fonctionner le compte : connexion, langue, confirmation de l'âge, acceptation des CGU, prise de connaissance de la politique, choix de confidentialité.",
                PersonalDataTexts.ContractFr, PersonalDataTexts.AccountLifetimeFr));
        services.AddPersonalDataStore<SessionPersonalDataStore>();
        services.AddPersonalDataStore<SecurityLogStore>();
        services.AddPersonalDataStore<SignInTokenStore>();
        services.AddPersonalDataStore<EmailIndexStore>();
        services.AddPersonalDataStore<SignInMonthStore>();
        services.AddPersonalDataStore<RateLimitStore>();
        services.AddPersonalDataStore<MinorBlocklistStore>();
        services.AddNonPersonalStore(AccountStore.KeyStateTable, "The fingerprint of the keyed-hash key the e-mail index was last rebuilt under, and the marker of the sign-in-month index's backfill; no user data.");
        return services;
    }
}

/// <summary>
/// Sessions, in day expiry buckets (<see cref="SessionStore"/>): a user's sessions are found by
/// <see cref="SessionStore.ListAsync"/> (a range query per live day, never a scan) and deleted in batches per partition.
/// </summary>
public sealed class SessionPersonalDataStore(SessionStore sessions) : IPersonalDataStore
{
    public string Name => SessionStore.Table;

    public (string Fr, string En) Title => ("Sessions", "Sessions");

    public string Purpose => "Keep the user signed in.";

    public string LegalBasis => "Contract (Art. 6(1)(b))";

    public string Retention => "30 days, or until signed out; an expired session is deleted by the first hourly housekeeping run after its expiry day (UTC) ends.";

    public PersonalDataTexts French => new("Vous garder connecté.", PersonalDataTexts.ContractFr,
        "30 jours, ou jusqu'à la déconnexion ; une session expirée est supprimée au premier passage horaire du nettoyage après la fin de son jour d'expiration (UTC).");

    public async Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        [.. (await sessions.ListAsync(userId, null, cancellationToken))
            .OrderBy(e => e.GetDateTimeOffset("CreatedAt"))
            .Select(e => new ExportRecord
            {
                ["created_at"] = Iso(e.GetDateTimeOffset("CreatedAt")),
                ["last_seen_at"] = Iso(e.GetDateTimeOffset("LastSeenAt")),
                ["expires_at"] = Iso(e.GetDateTimeOffset("ExpiresAt")),
                ["user_agent_family"] = e.GetString("UserAgentFamily"),
            })];

    public Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return sessions.RevokeAllAsync(subject.UserId, cancellationToken);
    }

    private static string? Iso(DateTimeOffset? d) => d?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>The e-mail index: one entity keyed by the address's hash; nothing to export (it repeats the account's address).</summary>
public sealed class EmailIndexStore(JimpStorage storage, AccountStore accounts) : IPersonalDataStore
{
    public string Name => AccountStore.EmailIndexTable;

    public (string Fr, string En) Title => ("Index des adresses e-mail", "E-mail address index");

    public string Purpose => "Find the account of an address at sign-in.";

    public string LegalBasis => "Contract (Art. 6(1)(b))";

    public string Retention => "As long as the account exists.";

    public PersonalDataTexts French => new("Retrouver le compte d'une adresse à la connexion.", PersonalDataTexts.ContractFr, "Tant que le compte existe.");

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]);

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Email is null) return 0;
        var table = await storage.TableAsync(Name, cancellationToken);
        // Only the entry that points at this user: the address may belong to a newer account by now (signed up again
        // after the erasure, before a restore from backup replays it), whose entry must stay.
        var key = accounts.EmailKey(subject.Email);
        var entry = await table.GetEntityIfExistsAsync<TableEntity>(key, AccountStore.IndexRow, ["UserId"], cancellationToken);
        if (!entry.HasValue || entry.Value!.GetString("UserId") != subject.UserId) return 0;
        var response = await table.DeleteEntityAsync(key, AccountStore.IndexRow, entry.Value.ETag, cancellationToken);
        return response.Status == 404 ? 0 : 1;
    }
}

/// <summary>Sign-in links: keyed by the token's hash; a user's pending links are found by user id or address.</summary>
public sealed class SignInTokenStore(JimpStorage storage, KeyedHash keyedHash) : IPersonalDataStore
{
    public string Name => SignInTokens.Table;

    public (string Fr, string En) Title => ("Liens de connexion", "Sign-in links");

    public string Purpose => "Sign in by a single-use link sent by e-mail.";

    public string LegalBasis => "Contract (Art. 6(1)(b))";

    public string Retention => "15 minutes of validity; deleted at the first hourly housekeeping run after expiry; the address is never stored in clear.";

    public PersonalDataTexts French => new("Vous connecter par un lien à usage unique envoyé par e-mail.", PersonalDataTexts.ContractFr,
        "15 minutes de validité ; supprimé au premier passage horaire du nettoyage après son expiration ; l'adresse n'est jamais stockée en clair.");

    public async Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var records = new List<ExportRecord>();
        await foreach (var e in QueryAsync(userId, null, cancellationToken))
        {
            records.Add(new ExportRecord
            {
                ["purpose"] = e.GetString("Purpose"),
                ["expires_at"] = e.GetDateTimeOffset("ExpiresAt")?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["used_at"] = e.GetDateTimeOffset("UsedAt")?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            });
        }
        return records;
    }

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var table = await storage.TableAsync(Name, cancellationToken);
        var deleted = 0;
        await foreach (var e in QueryAsync(subject.UserId, subject.Email, cancellationToken))
        {
            await table.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken);
            deleted++;
        }
        return deleted;
    }

    private async IAsyncEnumerable<TableEntity> QueryAsync(string userId, string? email, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Name, cancellationToken);
        var filter = email is null
            ? TableClient.CreateQueryFilter($"UserId eq {userId}")
            : TableClient.CreateQueryFilter($"UserId eq {userId} or EmailKey eq {SignInTokens.EmailKeyOf(keyedHash, email)} or Email eq {AccountStore.NormaliseEmail(email)}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return e;
        }
    }
}

/// <summary>Rate-limit counters keyed by a keyed hash of the address or of the truncated IP: erased with the address.</summary>
public sealed class RateLimitStore(JimpStorage storage, KeyedHash keyedHash, TimeProvider clock) : IPersonalDataStore
{
    public string Name => RateLimits.Table;

    public (string Fr, string En) Title => ("Compteurs anti-abus", "Abuse counters");

    public string Purpose => "Limit sign-in link requests per address and per IP, address-change requests per session, account and address, and each user's exports, conversations and consent changes.";

    public string LegalBasis => "Legitimate interest: security of accounts (Art. 6(1)(f))";

    public string Retention => "The counting window (1 hour or 1 day); deleted by housekeeping.";

    public PersonalDataTexts French => new("Limiter les demandes de lien de connexion par adresse et par IP, les changements d'adresse, et pour chacun les exports, conversations et changements de consentement.",
        "Intérêt légitime : sécurité des comptes (art. 6.1.f RGPD)", "La fenêtre de comptage (1 heure ou 1 jour) ; supprimés par le nettoyage.");

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]);

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        List<string> keys = [.. UserCaps.Kinds.Select(kind => RateLimits.AccountKey(subject.UserId, kind))];
        if (subject.Email is not null) keys.AddRange([RateLimits.EmailChangeTargetKey(subject.Email), RateLimits.EmailKey(subject.Email)]);
        var table = await storage.TableAsync(Name, cancellationToken);
        var now = clock.GetUtcNow();
        var erased = 0;
        foreach (var hashed in keys.Select(keyedHash.RateLimitKey))
        {
            // Bucketed rows: the few windows a key can have now, by their exact keys (no query).
            foreach (var (partition, row) in RateLimits.LiveAddresses(hashed, now))
            {
                var response = await table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
                if (response.Status != 404) erased++;
            }
            // Old shape (before buckets, partition = the key): expires within a day of the change.
            erased += await UserPartitionTable.DeletePartitionAsync(storage, Name, hashed, cancellationToken);
        }
        return erased;
    }
}
