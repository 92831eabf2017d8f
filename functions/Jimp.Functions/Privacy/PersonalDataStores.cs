using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions.Privacy;

/// <summary>
/// The security log, month by month: exported as the user's own events; on erasure, the user's entries are
/// moved under a one-way tombstone id (the log keeps its security value, nothing points at the person).
/// </summary>
public sealed class SecurityLogStore(JimpStorage storage) : IPersonalDataStore
{
    public string Name => SecurityLog.Family + "log{yyyyMM}";

    public (string Fr, string En) Title => ("Journal de sécurité", "Security log");

    public string Purpose => "Detect and investigate abuse of accounts (sign-ins, sessions, changes).";

    public string LegalBasis => "Legitimate interest: security of accounts and of the service (Art. 6(1)(f))";

    public string Retention => "12 months (whole months deleted); pseudonymised when the account is erased.";

    public async Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var records = new List<ExportRecord>();
        foreach (var table in await MonthTablesAsync(cancellationToken))
        {
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, maxPerPage: UserPartitionTable.PageSize, cancellationToken: cancellationToken))
            {
                records.Add(UserPartitionTable.Default(e));
            }
        }
        return records;
    }

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var moved = 0;
        foreach (var table in await MonthTablesAsync(cancellationToken))
        {
            var batch = new List<TableEntity>(100);
            async Task FlushAsync()
            {
                if (batch.Count == 0) return;
                // Copy under the tombstone id first, then delete: a crash in between leaves a copy, never a loss.
                await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Retarget(e, subject.TombstoneId))), cancellationToken);
                await table.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(e.PartitionKey, e.RowKey), ETag.All)), cancellationToken);
                moved += batch.Count;
                batch.Clear();
            }
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == subject.UserId, maxPerPage: UserPartitionTable.PageSize, cancellationToken: cancellationToken))
            {
                batch.Add(e);
                if (batch.Count == 100) await FlushAsync();
            }
            await FlushAsync();
        }
        return moved;
    }

    private static TableEntity Retarget(TableEntity e, string partition)
    {
        var copy = new TableEntity(partition, e.RowKey);
        foreach (var (key, value) in e.Where(kv => kv.Key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")))
        {
            copy[key] = value;
        }
        return copy;
    }

    private async Task<List<TableClient>> MonthTablesAsync(CancellationToken cancellationToken)
    {
        var from = storage.TableName(SecurityLog.Family + "log");
        var tables = new List<TableClient>();
        await foreach (var t in storage.TableService.QueryAsync(x => x.Name.CompareTo(from) >= 0 && x.Name.CompareTo(from + "~") < 0, cancellationToken: cancellationToken))
        {
            tables.Add(storage.TableService.GetTableClient(t.Name));
        }
        return tables;
    }
}

/// <summary>Exports: the record per request (table) and the ZIP (private container, <c>{userId}/{exportId}.zip</c>).</summary>
public sealed class ExportArchiveStore(JimpStorage storage) : IPersonalDataStore
{
    public const string Container = "exports";

    public string Name => Container;

    public (string Fr, string En) Title => ("Archives d'export", "Export archives");

    public string Purpose => "Give users a copy of their data (Art. 15 and 20).";

    public string LegalBasis => "Legal obligation (Art. 6(1)(c))";

    public string Retention => "7 days after creation.";

    public Task<IReadOnlyList<ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExportRecord>>([]); // an export does not contain earlier exports

    public async Task<int> EraseAsync(ErasureSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var container = await storage.ContainerAsync(Container, cancellationToken);
        var deleted = 0;
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, subject.UserId + "/", cancellationToken))
        {
            await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken);
            deleted++;
        }
        return deleted;
    }
}

public static class PersonalDataRegistration
{
    private const string Contract = "Contract (Art. 6(1)(b))";

    /// <summary>Every store of personal data, in the order export lists them and erasure empties them.</summary>
    public static IServiceCollection AddPersonalDataRegistry(this IServiceCollection services)
    {
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), AccountStore.UsersTable,
            ("Compte", "Account"), "Run the account: sign-in, language, age confirmation, policy acceptance, privacy choices.", Contract,
            "Until the account is deleted, or 24 months without sign-in."));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), ProfileStore.Table,
            ("Profil de coaching", "Coaching profile"), "Personalise the coaching (niche, goals, level, learning style, country, language).", Contract,
            "Until the account is deleted, or 24 months without sign-in."));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), ConversationStore.Table,
            ("Conversations", "Conversations"), "Coach the user in a chat and keep their conversations.", Contract,
            "Until the user deletes them or the account, or 24 months without sign-in.", ConversationRecord));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), SessionStore.Table,
            ("Sessions", "Sessions"), "Keep the user signed in.", Contract, "30 days, or until signed out.",
            e => new ExportRecord
            {
                ["created_at"] = Iso(e.GetDateTimeOffset("CreatedAt")),
                ["last_seen_at"] = Iso(e.GetDateTimeOffset("LastSeenAt")),
                ["expires_at"] = Iso(e.GetDateTimeOffset("ExpiresAt")),
                ["user_agent_family"] = e.GetString("UserAgentFamily"),
            }));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), "consents",
            ("Consentements", "Consents"), "Record each consent given or withdrawn, per purpose.", "Consent (Art. 6(1)(a)) and legal obligation to prove it (Art. 7(1))",
            "As long as the account exists."));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), RequestTracker.Table,
            ("Demandes d'exercice de droits", "Privacy requests"), "Answer data-subject requests within the legal deadline.", "Legal obligation (Art. 6(1)(c), Art. 12)",
            "As long as the account exists."));
        services.AddSingleton<IPersonalDataStore>(sp => new UserPartitionTable(sp.GetRequiredService<JimpStorage>(), ExportRecords.Table,
            ("Exports demandés", "Requested exports"), "Track the user's export requests and their download links.", "Legal obligation (Art. 6(1)(c))",
            "7 days after creation."));
        services.AddSingleton<IPersonalDataStore, ExportArchiveStore>();
        services.AddSingleton<IPersonalDataStore, SecurityLogStore>();
        services.AddSingleton<IPersonalDataStore, SignInTokenStore>();
        services.AddSingleton<IPersonalDataStore, EmailIndexStore>();
        services.AddSingleton<IPersonalDataStore, RateLimitStore>();
        services.AddSingleton<PersonalDataRegistry>();
        return services;
    }

    /// <summary>Conversation rows: list entries, states, messages and the day's chat usage; messages of the coach carry <c>ai_generated: true</c>.</summary>
    private static ExportRecord? ConversationRecord(TableEntity e)
    {
        if (e.RowKey.StartsWith("c-", StringComparison.Ordinal))
        {
            return new ExportRecord
            {
                ["type"] = "conversation",
                ["conversation_id"] = e.RowKey[2..],
                ["title"] = e.GetString("Title"),
                ["created_at"] = Iso(e.GetDateTimeOffset("CreatedAt")),
                ["updated_at"] = Iso(e.GetDateTimeOffset("UpdatedAt")),
            };
        }
        if (e.RowKey == ConversationStore.UsageRow)
        {
            return new ExportRecord
            {
                ["type"] = "chat_usage",
                ["day"] = e.GetString("Day"),
                ["turns"] = e.GetInt32("Turns"),
                ["model_tokens"] = e.GetInt64("ModelTokens"),
            };
        }
        var dash = e.RowKey.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0) return null; // the conversation's technical state (trends pinned for the day): not personal beyond the above
        var role = e.GetString("Role");
        return new ExportRecord
        {
            ["type"] = "message",
            ["conversation_id"] = e.RowKey[..dash],
            ["message_id"] = e.RowKey[(dash + 1)..],
            ["role"] = role,
            ["text"] = e.GetString("Text"),
            ["created_at"] = Iso(e.GetDateTimeOffset("CreatedAt")),
            ["status"] = e.GetString("Status"),
            ["mode"] = e.GetString("Mode"),
            ["ai_generated"] = role == ChatTurn.Assistant,
        };
    }

    private static string? Iso(DateTimeOffset? d) => d?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
