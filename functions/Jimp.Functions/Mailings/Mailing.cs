using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Mailings;

/// <summary>What a mailing sends; each kind is an <see cref="IMailingKind"/> registered by the feature that owns it.</summary>
public static class MailingKinds
{
    public const string Policy = "policy";
    public const string Terms = "terms";
    public const string Inactivity = "inactivity";
    public const string Campaign = "campaign";
}

/// <summary>How far a mailing went: the console polls it (<c>GET api/console/mailings/{id}</c>).</summary>
/// <param name="Status">running or finished.</param>
/// <param name="Total">The accounts the mailing looks at (counted when it starts; null until then; at the end, what was looked at).</param>
public sealed record MailingProgress(string Id, string Kind, string Status, int Sent, int Skipped, int Failed, int? Total, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt);

/// <summary>The answer (202) to starting a mailing: its id, where to follow it, and whether it had been started before (then nothing new is sent).</summary>
public sealed record MailingStarted(string MailingId, string ProgressUrl, bool AlreadyStarted, MailingProgress Progress);

/// <summary>One mailing: its kind, what it says (a version, a campaign's texts, a cut-off date), its progress and its throttle window.</summary>
public sealed record Mailing(string Id, string Kind, DateTimeOffset StartedAt)
{
    /// <summary>The version announced (policy, terms), or null.</summary>
    public string? Version { get; init; }

    /// <summary>Inactivity: the accounts not signed in since this instant.</summary>
    public DateTimeOffset? Cutoff { get; init; }

    public string? SubjectFr { get; init; }
    public string? TextFr { get; init; }
    public string? SubjectEn { get; init; }
    public string? TextEn { get; init; }

    /// <summary>The users-table continuation token at the start of the next page (null: the first page, or done once <see cref="Paged"/>).</summary>
    public string? Cursor { get; init; }

    /// <summary>At least one page was read: a null <see cref="Cursor"/> then means every account was looked at.</summary>
    public bool Paged { get; init; }

    public int Sent { get; init; }
    public int Skipped { get; init; }
    public int Failed { get; init; }
    public int? Total { get; init; }

    /// <summary>The throttle: the start of the current one-minute window and the mails sent in it.</summary>
    public DateTimeOffset? WindowStart { get; init; }
    public int SentInWindow { get; init; }

    /// <summary>The daily cap: the UTC day (00:00) the mailing last sent in and the mails sent that day.</summary>
    public DateTimeOffset? DayStart { get; init; }
    public int SentInDay { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public ETag ETag { get; init; }

    public MailingProgress Progress() =>
        new(Id, Kind, FinishedAt is null ? "running" : "finished", Sent, Skipped, Failed, Total, StartedAt, FinishedAt);
}

/// <summary>
/// The <c>mailings</c> table (one row per mailing, partition <c>mailing</c>; no user id, no address: a kind, a
/// version or the owner's campaign texts, counts) and the <c>mailingsent</c> marks (partition = mailing id, row =
/// user id, the time SMTP accepted the message; no address), which make each mail go out once: a page is checked
/// against its marks in one range query, and the marks are deleted when the mailing finishes.
/// </summary>
public sealed class MailingStore(JimpStorage storage)
{
    public const string Table = "mailings";
    public const string SentTable = "mailingsent";
    private const string Partition = "mailing";

    public async Task CreateAsync(Mailing mailing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.AddEntityAsync(ToEntity(mailing), cancellationToken);
    }

    public async Task<Mailing?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    /// <summary>Writes the mailing's progress under its ETag; false if another run wrote it first (read it again).</summary>
    public async Task<bool> TryUpdateAsync(Mailing mailing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        var table = await storage.TableAsync(Table, cancellationToken);
        try
        {
            await table.UpdateEntityAsync(ToEntity(mailing), mailing.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>The mailings not finished yet (the table holds one small row per mailing).</summary>
    public async Task<IReadOnlyList<Mailing>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<Mailing>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            if (e.GetDateTimeOffset(nameof(Mailing.FinishedAt)) is null) list.Add(FromEntity(e));
        }
        return list;
    }

    /// <summary>The mailings of one kind, finished or not (the table holds one small row per mailing).</summary>
    public async Task<IReadOnlyList<Mailing>> ListAsync(string kind, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<Mailing>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == Partition && x.GetString(nameof(Mailing.Kind)) == kind, cancellationToken: cancellationToken))
        {
            list.Add(FromEntity(e));
        }
        return list;
    }

    /// <summary>The users of <paramref name="first"/>..<paramref name="last"/> (key order) already mailed: one range query.</summary>
    public async Task<HashSet<string>> SentAmongAsync(string mailingId, string first, string last, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(SentTable, cancellationToken);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {mailingId} and RowKey ge {first} and RowKey le {last}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            sent.Add(e.RowKey);
        }
        return sent;
    }

    /// <summary>Written once SMTP accepted the message (an upsert: a second write of the same mark changes nothing).</summary>
    public async Task MarkSentAsync(string mailingId, string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(SentTable, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(mailingId, userId) { ["SentAt"] = at }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<DateTimeOffset?> SentAtAsync(string mailingId, string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(SentTable, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(mailingId, userId, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value!.GetDateTimeOffset("SentAt") : null;
    }

    public async Task DeleteMarkAsync(string mailingId, string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(SentTable, cancellationToken);
        try
        {
            await table.DeleteEntityAsync(mailingId, userId, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>A finished mailing's marks (batches of 100): the mailing row alone now says it was sent.</summary>
    public Task<int> DeleteMarksAsync(string mailingId, CancellationToken cancellationToken) =>
        Privacy.UserPartitionTable.DeletePartitionAsync(storage, SentTable, mailingId, cancellationToken);

    private static TableEntity ToEntity(Mailing m) => new(Partition, m.Id)
    {
        [nameof(Mailing.Kind)] = m.Kind,
        [nameof(Mailing.StartedAt)] = m.StartedAt,
        [nameof(Mailing.Version)] = m.Version,
        [nameof(Mailing.Cutoff)] = m.Cutoff,
        [nameof(Mailing.SubjectFr)] = m.SubjectFr,
        [nameof(Mailing.TextFr)] = m.TextFr,
        [nameof(Mailing.SubjectEn)] = m.SubjectEn,
        [nameof(Mailing.TextEn)] = m.TextEn,
        [nameof(Mailing.Cursor)] = m.Cursor,
        [nameof(Mailing.Paged)] = m.Paged,
        [nameof(Mailing.Sent)] = m.Sent,
        [nameof(Mailing.Skipped)] = m.Skipped,
        [nameof(Mailing.Failed)] = m.Failed,
        [nameof(Mailing.Total)] = m.Total,
        [nameof(Mailing.WindowStart)] = m.WindowStart,
        [nameof(Mailing.SentInWindow)] = m.SentInWindow,
        [nameof(Mailing.DayStart)] = m.DayStart,
        [nameof(Mailing.SentInDay)] = m.SentInDay,
        [nameof(Mailing.FinishedAt)] = m.FinishedAt,
    };

    private static Mailing FromEntity(TableEntity e) => new(e.RowKey, e.GetString(nameof(Mailing.Kind)) ?? "", e.GetDateTimeOffset(nameof(Mailing.StartedAt)) ?? default)
    {
        Version = e.GetString(nameof(Mailing.Version)),
        Cutoff = e.GetDateTimeOffset(nameof(Mailing.Cutoff)),
        SubjectFr = e.GetString(nameof(Mailing.SubjectFr)),
        TextFr = e.GetString(nameof(Mailing.TextFr)),
        SubjectEn = e.GetString(nameof(Mailing.SubjectEn)),
        TextEn = e.GetString(nameof(Mailing.TextEn)),
        Cursor = e.GetString(nameof(Mailing.Cursor)),
        Paged = e.GetBoolean(nameof(Mailing.Paged)) ?? false,
        Sent = e.GetInt32(nameof(Mailing.Sent)) ?? 0,
        Skipped = e.GetInt32(nameof(Mailing.Skipped)) ?? 0,
        Failed = e.GetInt32(nameof(Mailing.Failed)) ?? 0,
        Total = e.GetInt32(nameof(Mailing.Total)),
        WindowStart = e.GetDateTimeOffset(nameof(Mailing.WindowStart)),
        SentInWindow = e.GetInt32(nameof(Mailing.SentInWindow)) ?? 0,
        DayStart = e.GetDateTimeOffset(nameof(Mailing.DayStart)),
        SentInDay = e.GetInt32(nameof(Mailing.SentInDay)) ?? 0,
        FinishedAt = e.GetDateTimeOffset(nameof(Mailing.FinishedAt)),
        ETag = e.ETag,
    };
}

/// <summary>What one recipient got.</summary>
public enum MailOutcome
{
    Sent,
    Skipped,
}

/// <summary>
/// One kind of mailing: which accounts it pages through, and what (if anything) one account gets. The sender calls
/// <see cref="SendAsync"/> for each account of a page not marked sent; it throws on a transient failure (the batch
/// is retried, its marks keep it from mailing anyone twice).
/// </summary>
public interface IMailingKind
{
    string Kind { get; }

    /// <summary>Only the accounts not signed in since this instant (inactivity), or null for every account.</summary>
    DateTimeOffset? NotSignedInSince(Mailing mailing) => null;

    Task<MailOutcome> SendAsync(Mailing mailing, Account account, CancellationToken cancellationToken);

    /// <summary>Once every account was looked at (idempotent: it may run twice).</summary>
    Task FinishedAsync(Mailing mailing, CancellationToken cancellationToken) => Task.CompletedTask;
}

