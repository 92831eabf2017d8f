using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Storage;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Platform;

/// <summary>The events the security log records.</summary>
public static class SecurityEvents
{
    public const string LinkRequested = "link-requested";
    public const string SignInSucceeded = "sign-in-succeeded";
    public const string SignInFailed = "sign-in-failed";
    public const string SessionRevoked = "session-revoked";
    public const string AllSessionsRevoked = "all-sessions-revoked";
    public const string EmailChangeRequested = "email-change-requested";
    public const string EmailChanged = "email-changed";
    public const string ExportDownloaded = "export-downloaded";
    public const string OperatorAction = "operator-action";
}

/// <summary>One line of the security log as the user sees it in the privacy center.</summary>
public sealed record SecurityEvent(DateTimeOffset At, string Event, string IpPrefix, string UserAgentFamily, string? Detail);

/// <summary>
/// The security log: month-sharded tables <c>securitylog{yyyyMM}</c>, one partition per pseudonymous user id
/// (or, for events without a user, one of 16 shards <c>anonymous-0</c> … <c>anonymous-f</c>, picked at random per
/// event: a sign-up spray writes to every user-less partition evenly, 16 × the ~2,000 entities/s a partition serves;
/// rows written before the shards, in the single <c>anonymous</c> partition, are still read), newest first.
/// Fields: UTC time, event, user id, IP truncated, user-agent family. Never an e-mail address, a token or a full IP.
/// </summary>
public sealed class SecurityLog(JimpStorage storage, TimeProvider clock)
{
    public const string Family = "security";
    public const string Anonymous = "anonymous";

    public Task WriteAsync(string eventName, string? userId, HttpRequest request, string? detail = null, CancellationToken cancellationToken = default) =>
        WriteAsync(eventName, userId, ClientInfo.From(request), detail, cancellationToken);

    public async Task WriteAsync(string eventName, string? userId, ClientInfo client, string? detail = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        var table = await storage.TableAsync(TableFor(now), cancellationToken);
        var key = NewestFirstKey(now);
        var entity = new TableEntity(userId ?? AnonymousShard(key), key)
        {
            ["At"] = now,
            ["Event"] = eventName,
            ["IpPrefix"] = client.IpPrefix,
            ["UserAgentFamily"] = client.UserAgentFamily,
            ["Detail"] = detail,
        };
        await table.AddEntityAsync(entity, cancellationToken);
    }

    /// <summary>Shards of the user-less events, one hex digit.</summary>
    public const int AnonymousShards = 16;

    /// <summary>The user's own events (or, for <see cref="Anonymous"/>, the user-less ones of every shard) of this month and the previous ones, newest first.</summary>
    public async Task<IReadOnlyList<SecurityEvent>> RecentAsync(string userId, int max, int months, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        IReadOnlyList<string> partitions = userId == Anonymous
            ? [Anonymous, .. Enumerable.Range(0, AnonymousShards).Select(i => Anonymous + "-" + i.ToString("x1", CultureInfo.InvariantCulture))]
            : [userId];
        var events = new List<SecurityEvent>();
        for (var i = 0; i < months && events.Count < max; i++)
        {
            var table = storage.Table(TableFor(now.AddMonths(-i)));
            var month = new List<TableEntity>();
            try
            {
                foreach (var partition in partitions)
                {
                    var taken = 0;
                    await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == partition, maxPerPage: max, cancellationToken: cancellationToken))
                    {
                        month.Add(e);
                        if (++taken >= max - events.Count) break;
                    }
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // No log table for that month: nothing happened then.
            }
            // Row keys are newest-first times: merging the shards is sorting by them.
            foreach (var e in month.OrderBy(e => e.RowKey, StringComparer.Ordinal).Take(max - events.Count))
            {
                events.Add(new SecurityEvent(e.GetDateTimeOffset("At") ?? e.Timestamp ?? now, e.GetString("Event"), e.GetString("IpPrefix"), e.GetString("UserAgentFamily"), e.GetString("Detail")));
            }
        }
        return events;
    }

    /// <summary>The shard of a user-less event: from the random part of its row key, so spread evenly.</summary>
    public static string AnonymousShard(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        var random = rowKey[^1];
        return Anonymous + "-" + (Convert.ToInt32(random.ToString(), 16) % AnonymousShards).ToString("x1", CultureInfo.InvariantCulture);
    }

    /// <summary><c>securitylog202611</c> for November 2026 (the storage prefix is added by JimpStorage).</summary>
    public static string TableFor(DateTimeOffset month) => Family + "log" + month.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    private static string NewestFirstKey(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Secrets.NewId()[..8];
}

/// <summary>
/// The security log, month by month: exported as the user's own events; on erasure, the user's entries are
/// moved under a one-way tombstone id (the log keeps its security value, nothing points at the person).
/// </summary>
public sealed class SecurityLogStore(JimpStorage storage) : Privacy.IPersonalDataStore
{
    public string Name => SecurityLog.Family + "log{yyyyMM}";

    public (string Fr, string En) Title => ("Journal de sécurité", "Security log");

    public string Purpose => "Detect and investigate abuse of accounts (sign-ins, sessions, changes).";

    public string LegalBasis => "Legitimate interest: security of accounts and of the service (Art. 6(1)(f))";

    public string Retention => "12 months (whole months deleted); pseudonymised when the account is erased.";

    public Privacy.PersonalDataTexts French => new("Détecter et examiner les abus sur les comptes (connexions, sessions, modifications).",
        "Intérêt légitime : sécurité des comptes et du Service (art. 6.1.f RGPD)",
        "12 mois maximum (chaque mois supprimé en entier) ; pseudonymisé lors de l'effacement du compte.");

    public async Task<IReadOnlyList<Privacy.ExportRecord>> ExportAsync(string userId, CancellationToken cancellationToken)
    {
        var records = new List<Privacy.ExportRecord>();
        foreach (var table in await MonthTablesAsync(cancellationToken))
        {
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, maxPerPage: Privacy.UserPartitionTable.PageSize, cancellationToken: cancellationToken))
            {
                records.Add(Privacy.UserPartitionTable.Default(e));
            }
        }
        return records;
    }

    public async Task<int> EraseAsync(Privacy.ErasureSubject subject, CancellationToken cancellationToken)
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
            await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == subject.UserId, maxPerPage: Privacy.UserPartitionTable.PageSize, cancellationToken: cancellationToken))
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
