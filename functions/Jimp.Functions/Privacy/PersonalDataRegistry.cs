using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>
    /// The purpose, legal basis and retention in French, as the export's summary shows them to a French-speaking user
    /// (the English ones above feed the register and the English summary). Declared beside the store, so a new store
    /// cannot reach a user's export untranslated.
    /// </summary>
    PersonalDataTexts French { get; }

    /// <summary>All records of the user, read page by page (one query per 1,000 records).</summary>
    Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Erases (or, for logs, pseudonymises) the user's records; returns how many. Safe to run twice.</summary>
    Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken);
}

/// <summary>A store's purpose, legal basis and retention in one language.</summary>
public sealed record PersonalDataTexts(string Purpose, string LegalBasis, string Retention)
{
    /// <summary>The contract: the CGU (terms of use), which sign-up accepts.</summary>
    public const string ContractFr = "Exécution du contrat : les conditions générales d'utilisation (CGU) que vous avez acceptées (art. 6.1.b RGPD)";

    public const string AccountLifetimeFr = "Jusqu'à la suppression du compte, ou après 24 mois sans connexion.";
}

/// <summary>A table or container that holds no personal data, declared by the feature that owns it, with the reason.</summary>
public sealed record NonPersonalStore(string Name, string Reason);

/// <summary>
/// The registry: every store of personal data, and the stores declared to hold none. It is assembled, not written
/// in one place: each feature declares its own stores beside them, in its registration
/// (<see cref="PersonalDataDeclarations.AddPersonalDataStore{T}"/>, <see cref="PersonalDataDeclarations.AddUserPartitionTable"/>,
/// <see cref="PersonalDataDeclarations.AddNonPersonalStore"/>); export lists them in registration order.
/// </summary>
public sealed class PersonalDataRegistry(IEnumerable<IPersonalDataStore> stores, IEnumerable<NonPersonalStore> nonPersonal)
{
    public IReadOnlyList<IPersonalDataStore> Stores { get; } = stores.ToList();

    /// <summary>Stores that hold no personal data, with the reason.</summary>
    public IReadOnlyDictionary<string, string> NonPersonal { get; } = nonPersonal.DistinctBy(s => s.Name).ToDictionary(s => s.Name, s => s.Reason, StringComparer.Ordinal);

    public IPersonalDataStore this[string name] => Stores.Single(s => s.Name == name);
}

/// <summary>How a feature declares its stores to the registry, next to its own registration.</summary>
public static class PersonalDataDeclarations
{
    /// <summary>A store of personal data with its own export and erasure.</summary>
    public static IServiceCollection AddPersonalDataStore<T>(this IServiceCollection services)
        where T : class, IPersonalDataStore =>
        services.AddSingleton<IPersonalDataStore, T>();

    /// <summary>A table partitioned by user id: exported and erased by partition (<see cref="UserPartitionTable"/>).</summary>
    public static IServiceCollection AddUserPartitionTable(this IServiceCollection services, string name, (string Fr, string En) title,
        string purpose, string legalBasis, string retention, PersonalDataTexts french, Func<TableEntity, ExportRecord?>? map = null) =>
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), name, title, purpose, legalBasis, retention, french, map));

    /// <summary>A table or container without personal data, and why.</summary>
    public static IServiceCollection AddNonPersonalStore(this IServiceCollection services, string name, string reason) =>
        services.AddSingleton(new NonPersonalStore(name, reason));
}

/// <summary>A table whose partition key is the user id: export the partition, erase it in batches of 100.</summary>
public class UserPartitionTable(
    JimpStorage storage,
    string name,
    (string Fr, string En) title,
    string purpose,
    string legalBasis,
    string retention,
    PersonalDataTexts french,
    Func<TableEntity, ExportRecord?>? map = null) : IPersonalDataStore
{
    public const int PageSize = 1000;

    public string Name => name;

    public (string Fr, string En) Title => title;

    public string Purpose => purpose;

    public string LegalBasis => legalBasis;

    public string Retention => retention;

    public PersonalDataTexts French => french;

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
