using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Privacy;

/// <summary>Who is being erased: the user id, the address (to find what is keyed by it), and the tombstone id that replaces the user id where a record must stay.</summary>
public sealed record ErasureSubject(string UserId, string? Email, string TombstoneId);

/// <summary>One record of an export: field name (snake_case) → value.</summary>
public sealed class ExportRecord : Dictionary<string, object?>
{
    public ExportRecord() : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>
/// A place where personal data lives. Every one declares why it exists and for how long (the register of
/// processing is generated from these), how a user's records are exported, and how they are erased. Export
/// and erasure iterate <see cref="PersonalDataRegistry.Stores"/>, so a store cannot be forgotten by either.
/// </summary>
public interface IPersonalDataStore
{
    /// <summary>The logical table or container name (without the storage prefix); log families end in <c>log{yyyyMM}</c>.</summary>
    string Name { get; }

    /// <summary>What a user would call it, in the export's summary (FR, EN).</summary>
    (string Fr, string En) Title { get; }

    string Purpose { get; }

    string LegalBasis { get; }

    string Retention { get; }

    /// <summary>All records of the user, read page by page (one query per 1,000 records).</summary>
    Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Erases (or, for logs, pseudonymises) the user's records; returns how many. Safe to run twice.</summary>
    Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken);
}

/// <summary>The registry: every store of personal data, and the stores declared to hold none.</summary>
public sealed class PersonalDataRegistry(IEnumerable<IPersonalDataStore> stores)
{
    public IReadOnlyList<IPersonalDataStore> Stores { get; } = stores.ToList();

    /// <summary>Stores that hold no personal data, with the reason.</summary>
    public static IReadOnlyDictionary<string, string> NonPersonal { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["trends"] = "Public, aggregate TikTok trends; creator names and avatars are dropped before storage.",
        ["tombstones"] = "Proof that an erasure was done: request id, dates and counts per store, nothing personal.",
        ["insights"] = "Aggregate counts only; groups under 10 suppressed; no ids, no free text.",
        ["purgequeue"] = "Random orchestration instance ids waiting to be purged; no user id.",
        ["technicallog{yyyyMM}"] = "Reserved technical-log family covered by log expiry; no app code writes to it today.",
        ["keyedhashstate"] = "The fingerprint of the keyed-hash key the e-mail index was last rebuilt under; no user data.",
        ["policyannouncements"] = "Which policy version was announced, and how far the mailing went; no user id.",
        ["breaches"] = "The breach register (Art. 33(5)): incidents described by the operator without naming people; counts, dates, measures.",
    };

    public IPersonalDataStore this[string name] => Stores.Single(s => s.Name == name);
}

/// <summary>A table whose partition key is the user id: export the partition, erase it in batches of 100.</summary>
public class UserPartitionTable(
    JimpStorage storage,
    string name,
    (string Fr, string En) title,
    string purpose,
    string legalBasis,
    string retention,
    Func<TableEntity, ExportRecord?>? map = null) : IPersonalDataStore
{
    public const int PageSize = 1000;

    public string Name => name;

    public (string Fr, string En) Title => title;

    public string Purpose => purpose;

    public string LegalBasis => legalBasis;

    public string Retention => retention;

    protected JimpStorage Storage => storage;

    public async Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(name, cancellationToken);
        var records = new List<ExportRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, maxPerPage: PageSize, cancellationToken: cancellationToken))
        {
            if ((map ?? Default)(e) is { } record) records.Add(record);
        }
        return records;
    }

    public virtual async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return await DeletePartitionAsync(storage, name, subject.UserId, cancellationToken);
    }

    public static async Task<int> DeletePartitionAsync(JimpStorage storage, string tableName, string partition, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(tableName, cancellationToken);
        var deleted = 0;
        var keys = new List<TableEntity>(100);
        async Task FlushAsync()
        {
            if (keys.Count == 0) return;
            await table.SubmitTransactionAsync(keys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, k, ETag.All)), cancellationToken);
            deleted += keys.Count;
            keys.Clear();
        }
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == partition, maxPerPage: PageSize, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(e);
            if (keys.Count == 100) await FlushAsync();
        }
        await FlushAsync();
        return deleted;
    }

    /// <summary>Every property in snake_case, with the row key as <c>id</c>.</summary>
    public static ExportRecord Default(TableEntity e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var record = new ExportRecord { ["id"] = e.RowKey };
        foreach (var (key, value) in e.Where(kv => kv.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")))
        {
            record[SnakeCase(key)] = value is DateTimeOffset d ? d.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) : value;
        }
        return record;
    }

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}

/// <summary>The e-mail index: one entity keyed by the address's hash; nothing to export (it repeats the account's address).</summary>
public sealed class EmailIndexStore(JimpStorage storage, AccountStore accounts) : IPersonalDataStore
{
    public string Name => AccountStore.EmailIndexTable;

    public (string Fr, string En) Title => ("Index des adresses e-mail", "E-mail address index");

    public string Purpose => "Find the account of an address at sign-in.";

    public string LegalBasis => "Contract (Art. 6(1)(b))";

    public string Retention => "As long as the account exists.";

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]);

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Email is null) return 0;
        var table = await storage.TableAsync(Name, cancellationToken);
        var response = await table.DeleteEntityAsync(accounts.EmailKey(subject.Email), AccountStore.IndexRow, ETag.All, cancellationToken);
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
public sealed class RateLimitStore(JimpStorage storage, KeyedHash keyedHash) : IPersonalDataStore
{
    public string Name => RateLimits.Table;

    public (string Fr, string En) Title => ("Compteurs anti-abus", "Abuse counters");

    public string Purpose => "Limit sign-in link requests per address and per IP, address-change requests per session, account and address, and each user's exports, conversations and consent changes.";

    public string LegalBasis => "Legitimate interest: security of accounts (Art. 6(1)(f))";

    public string Retention => "The counting window (1 hour or 1 day); deleted by housekeeping.";

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]);

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var erased = 0;
        foreach (var kind in UserCaps.Kinds)
        {
            erased += await UserPartitionTable.DeletePartitionAsync(storage, Name, keyedHash.RateLimitKey(RateLimits.AccountKey(subject.UserId, kind)), cancellationToken);
        }
        if (subject.Email is null) return erased;
        erased += await UserPartitionTable.DeletePartitionAsync(storage, Name, keyedHash.RateLimitKey(RateLimits.EmailChangeTargetKey(subject.Email)), cancellationToken);
        return erased + await UserPartitionTable.DeletePartitionAsync(storage, Name, keyedHash.RateLimitKey(RateLimits.EmailKey(subject.Email)), cancellationToken);
    }
}
