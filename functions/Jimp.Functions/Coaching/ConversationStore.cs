using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Coaching;

public sealed record ConversationView(string Id, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int MessageCount);

/// <param name="Sources">What the answer cites (playbooks now; trends and the creator's own data later), shown as chips.</param>
public sealed record MessageView(string Id, string Role, string Text, DateTimeOffset CreatedAt, string Status, string? Mode, bool AiGenerated, IReadOnlyList<SourceRef> Sources);

/// <summary>A message as stored, with what an export and the coach need.</summary>
public sealed record StoredMessage(string Id, string Role, string Text, DateTimeOffset CreatedAt, string Status, string? Mode, int PromptTokens, int CompletionTokens)
{
    public bool AiGenerated => Role == ChatTurn.Assistant;

    /// <summary>The sources the answer cites (assistant messages).</summary>
    public IReadOnlyList<SourceRef> Sources { get; init; } = [];

    private readonly DateTimeOffset? attemptedAt;

    /// <summary>When its turn last started: the question's time, or the time it was last retried (see <see cref="UnansweredQuestions"/>).</summary>
    public DateTimeOffset AttemptedAt { get => attemptedAt ?? CreatedAt; init => attemptedAt = value; }

    public MessageView ToView() => new(Id, Role, Text, CreatedAt, Status, Mode, AiGenerated && Mode != ModelOptions.Offline, Sources);
}

/// <summary>A conversation's state for the next turn: its newest messages, the trends pinned for the day, its counts.</summary>
public sealed record ConversationState(string Id, IReadOnlyList<StoredMessage> RecentNewestFirst, PinnedTrends? Trends, int MessageCount, bool Titled)
{
    /// <summary>The creator's numbers as the conversation last read them.</summary>
    public CreatorPin? Creator { get; init; }

    /// <summary>The user's chat usage as stored (any day; see <see cref="DailyUsage.On"/>), null when they have none yet.</summary>
    public DailyUsage? Usage { get; init; }
}

public static class MessageStatus
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string ContentFiltered = "content-filtered";
}

/// <summary>
/// The <c>conversations</c> table, one partition per user holding everything of their conversations:
/// <list type="bullet">
/// <item><c>c-{id}</c>: the list entry (title, dates, message count) — listing is one range query;</item>
/// <item><c>{id}</c>: the conversation's state (the trends pinned for the day);</item>
/// <item><c>{id}-{newest-first time}</c>: its messages, right after the state row, so "the state and the last N
/// messages" is one query.</item>
/// </list>
/// Conversation ids sort newest first. A turn costs one query, one insert (the user's message) and one batch
/// (the answer, the state and the list entry: one partition).
/// </summary>
public sealed class ConversationStore(JimpStorage storage, IEnumerable<IQuestionObserver> observers) : ICreatorDataCache
{
    public const string Table = "conversations";
    private const string ListPrefix = "c-";

    /// <summary>The user's chat usage of the day (one row per user, rewritten each turn): it sorts before every list entry and conversation.</summary>
    public const string UsageRow = "!usage";

    public static string NewestFirst(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static bool IsValidId(string id) => id.Length == 25 && id.All(char.IsAsciiHexDigitLower);

    public async Task<ConversationView> CreateAsync(string userId, string title, bool titled, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = NewestFirst(now) + Secrets.NewId()[..6];
        var table = await storage.TableAsync(Table, cancellationToken);
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, new TableEntity(userId, ListPrefix + id) { ["Title"] = title, ["CreatedAt"] = now, ["UpdatedAt"] = now, ["MessageCount"] = 0 }),
            new(TableTransactionActionType.Add, new TableEntity(userId, id) { ["CreatedAt"] = now, ["MessageCount"] = 0, ["Titled"] = titled }),
        ];
        await table.SubmitTransactionAsync(actions, cancellationToken);
        return new ConversationView(id, title, now, now, 0);
    }

    public async Task<(IReadOnlyList<ConversationView> Items, string? Next)> ListAsync(string userId, string? cursor, int pageSize, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var from = cursor is { Length: > 0 } && IsValidId(cursor) ? ListPrefix + cursor : ListPrefix;
        var items = new List<ConversationView>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey gt {from} and RowKey lt {"c."}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize + 1, cancellationToken: cancellationToken))
        {
            items.Add(ToConversation(e));
            if (items.Count > pageSize) break;
        }
        var next = items.Count > pageSize ? items[pageSize - 1].Id : null;
        return (items.Take(pageSize).ToList(), next);
    }

    public async Task<ConversationView?> FindAsync(string userId, string id, CancellationToken cancellationToken)
    {
        if (!IsValidId(id)) return null;
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, ListPrefix + id, cancellationToken: cancellationToken);
        return found.HasValue ? ToConversation(found.Value!) : null;
    }

    /// <summary>The conversation's state and its newest messages (newest first) in one query; null when it does not exist.</summary>
    public async Task<(TableEntity State, List<StoredMessage> NewestFirst)?> ReadAsync(string userId, string id, string? olderThanMessageId, int max, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(userId, id, olderThanMessageId, max, withUsage: false, cancellationToken);
        return read is null ? null : (read.Value.State, read.Value.NewestFirst);
    }

    /// <param name="withUsage">Also read the user's usage row in the same query (an <c>or</c> on the row key, same partition).</param>
    private async Task<(TableEntity State, List<StoredMessage> NewestFirst, TableEntity? Usage)?> ReadAsync(
        string userId, string id, string? olderThanMessageId, int max, bool withUsage, CancellationToken cancellationToken)
    {
        if (!IsValidId(id)) return null;
        var table = await storage.TableAsync(Table, cancellationToken);
        var from = olderThanMessageId is null ? id : id + "-" + olderThanMessageId;
        var filter = olderThanMessageId is not null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey gt {from} and RowKey lt {id + "."}")
            : withUsage
                ? TableClient.CreateQueryFilter($"PartitionKey eq {userId} and (RowKey eq {UsageRow} or (RowKey ge {from} and RowKey lt {id + "."}))")
                : TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ge {from} and RowKey lt {id + "."}");
        TableEntity? state = null;
        TableEntity? usage = null;
        var messages = new List<StoredMessage>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: max + 2, cancellationToken: cancellationToken))
        {
            if (e.RowKey == UsageRow) usage = e;
            else if (e.RowKey == id) state = e;
            else messages.Add(ToMessage(e, id));
            if (messages.Count >= max) break;
        }
        if (olderThanMessageId is null && state is null) return null;
        return (state ?? new TableEntity(userId, id), messages, usage);
    }

    /// <summary>The conversation's state, its newest messages and the user's usage row: one query.</summary>
    public async Task<ConversationState?> ReadStateAsync(string userId, string id, int maxMessages, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(userId, id, null, maxMessages, withUsage: true, cancellationToken);
        if (read is null) return null;
        var (state, messages, usage) = read.Value;
        var trendsJson = state.GetString("Trends");
        var trends = trendsJson is null ? null : JsonSerializer.Deserialize<PinnedTrends>(trendsJson, RequestJson.Options);
        var creatorJson = state.GetString("Creator") is { Length: > 0 } pinned ? pinned : null;
        return new ConversationState(id, messages, trends, state.GetInt32("MessageCount") ?? 0, state.GetBoolean("Titled") ?? false)
        {
            Creator = creatorJson is null ? null : JsonSerializer.Deserialize<CreatorPin>(creatorJson, RequestJson.Options),
            Usage = usage is null ? null : ToUsage(usage),
        };
    }

    /// <summary>The usage row alone (a point read): only after a conflicting write from another instance.</summary>
    public async Task<DailyUsage?> ReadUsageAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, UsageRow, cancellationToken: cancellationToken);
        return found.HasValue ? ToUsage(found.Value!) : null;
    }

    private static DailyUsage ToUsage(TableEntity e) => new(
        DateOnly.TryParseExact(e.GetString("Day"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : default,
        e.GetInt32("Turns") ?? 0,
        e.GetInt64("ModelTokens") ?? 0,
        e.ETag);

    private static TableTransactionAction UsageWrite(string userId, DailyUsage usage)
    {
        var row = new TableEntity(userId, UsageRow)
        {
            ["Day"] = usage.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["Turns"] = usage.Turns,
            ["ModelTokens"] = usage.ModelTokens,
        };
        // Optimistic: the version read with the turn's query; another instance's write in between fails the batch.
        return usage.ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, etag)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    /// <summary>
    /// The questions users asked from <paramref name="from"/> (included) to <paramref name="to"/> (excluded), across all
    /// users: one filtered query over the table (a request per page of 1,000 matches), reading only the user id, the
    /// text and the time.
    /// </summary>
    public async IAsyncEnumerable<(string UserId, string Text, DateTimeOffset CreatedAt)> UserMessagesAsync(
        DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var filter = TableClient.CreateQueryFilter($"Role eq {ChatTurn.User} and CreatedAt ge {from} and CreatedAt lt {to}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "Text", "CreatedAt"], cancellationToken: cancellationToken))
        {
            yield return (e.PartitionKey, e.GetString("Text") ?? "", e.GetDateTimeOffset("CreatedAt") ?? default);
        }
    }

    /// <param name="newestId">The newest message already in the conversation, if any: the new one must sort before it.</param>
    public async Task<StoredMessage> AddUserMessageAsync(string userId, string conversationId, string text, string? newestId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var key = long.Parse(UserMessageIdFor(now, newestId), CultureInfo.InvariantCulture);
        for (var attempt = 0; ; attempt++, key -= 2)
        {
            var messageId = key.ToString("D19", CultureInfo.InvariantCulture);
            try
            {
                await table.AddEntityAsync(new TableEntity(userId, conversationId + "-" + messageId)
                {
                    ["Role"] = ChatTurn.User,
                    ["Text"] = text,
                    ["CreatedAt"] = now,
                    ["Status"] = MessageStatus.Ok,
                }, cancellationToken);
                return new StoredMessage(messageId, ChatTurn.User, text, now, MessageStatus.Ok, null, 0, 0);
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && attempt < 10)
            {
                // Another turn of the same conversation took this key at the same moment: take the next one.
            }
        }
    }

    /// <summary>
    /// The id <see cref="AddUserMessageAsync"/> tries first: newest-first time, after the conversation's newest message;
    /// the answer takes the key just before it (see <see cref="AnswerIdFor"/>), so keys step by two. Only a key
    /// collision (another turn of the same conversation at the same moment) makes the stored id an older one.
    /// </summary>
    public static string UserMessageIdFor(DateTimeOffset now, string? newestId)
    {
        var key = long.Parse(NewestFirst(now), CultureInfo.InvariantCulture);
        if (newestId is not null)
        {
            key = Math.Min(key, long.Parse(newestId, CultureInfo.InvariantCulture) - 2);
        }
        return key.ToString("D19", CultureInfo.InvariantCulture);
    }

    /// <summary>The answer's id: right before its question in newest-first order, so it always sorts just after it.</summary>
    public static string AnswerIdFor(string userMessageId) =>
        (long.Parse(userMessageId, CultureInfo.InvariantCulture) - 1).ToString("D19", CultureInfo.InvariantCulture);

    /// <param name="attemptedAt">For a retry: when its new turn starts (a question without an answer counts as failed once a turn's deadline has passed since then).</param>
    public async Task SetStatusAsync(string userId, string conversationId, string messageId, string status, CancellationToken cancellationToken, DateTimeOffset? attemptedAt = null)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var row = new TableEntity(userId, conversationId + "-" + messageId) { ["Status"] = status };
        if (attemptedAt is { } at) row["AttemptedAt"] = at;
        await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    public async Task<StoredMessage?> FindMessageAsync(string userId, string conversationId, string messageId, CancellationToken cancellationToken)
    {
        if (!IsValidId(conversationId) || messageId.Length != 19 || !messageId.All(char.IsAsciiDigit)) return null;
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(userId, conversationId + "-" + messageId, cancellationToken: cancellationToken);
        return found.HasValue ? ToMessage(found.Value!, conversationId) : null;
    }

    /// <summary>
    /// Stores the answer, the day's trends, the list entry's new state and the user's usage in one batch (one partition).
    /// <paramref name="usage"/> is the usage as read with the turn (its version) and <paramref name="spent"/> what
    /// this turn adds; when another instance wrote the usage in between, the usage is read again and the batch resubmitted.
    /// </summary>
    public async Task<StoredMessage> CompleteTurnAsync(
        string userId, string conversationId, StoredMessage answer, PinnedTrends trends, string? autoTitle, int messageCount, DateTimeOffset now, CancellationToken cancellationToken,
        CreatorPin? creator = null, DailyUsage? usage = null, (int Turns, long ModelTokens)? spent = null)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var table = await storage.TableAsync(Table, cancellationToken);
        var messageId = answer.Id;
        var state = new TableEntity(userId, conversationId) { ["Trends"] = JsonSerializer.Serialize(trends, RequestJson.Options), ["MessageCount"] = messageCount };
        if (creator is not null) state["Creator"] = JsonSerializer.Serialize(creator, RequestJson.Options);
        var list = new TableEntity(userId, ListPrefix + conversationId) { ["UpdatedAt"] = now, ["MessageCount"] = messageCount };
        if (autoTitle is not null)
        {
            state["Titled"] = true;
            list["Title"] = autoTitle;
        }
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, new TableEntity(userId, conversationId + "-" + messageId)
            {
                ["Role"] = ChatTurn.Assistant,
                ["Text"] = answer.Text,
                ["CreatedAt"] = answer.CreatedAt,
                ["Status"] = answer.Status,
                ["Mode"] = answer.Mode,
                ["PromptTokens"] = answer.PromptTokens,
                ["CompletionTokens"] = answer.CompletionTokens,
                ["AiGenerated"] = true,
                ["Sources"] = answer.Sources.Count == 0 ? null : JsonSerializer.Serialize(answer.Sources, RequestJson.Options),
            }),
            new(TableTransactionActionType.UpdateMerge, state, ETag.All),
            new(TableTransactionActionType.UpdateMerge, list, ETag.All),
        ];
        if (spent is not { } add)
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            return answer with { Id = messageId };
        }
        var today = ChatBudget.Today(now);
        var current = (usage ?? new DailyUsage(today, 0, 0)).On(today);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await table.SubmitTransactionAsync([.. actions, UsageWrite(userId, current.Plus(add.Turns, add.ModelTokens))], cancellationToken);
                return answer with { Id = messageId };
            }
            catch (TableTransactionFailedException ex) when ((ex.FailedTransactionActionIndex ?? actions.Length) == actions.Length && ex.Status is 409 or 412 && attempt < 10)
            {
                // Another instance counted a turn of this user since the read: count on top of what it wrote.
                current = (await ReadUsageAsync(userId, cancellationToken) ?? new DailyUsage(today, 0, 0)).On(today);
            }
        }
    }

    /// <summary>
    /// Clears the creator's numbers pinned in the state row of each of the user's conversations (an empty
    /// <c>Creator</c>: Table merges cannot drop a property). One range query over the list entries (a page per
    /// 1,000 conversations), then one batch of merges per 100; a conversation deleted meanwhile is skipped.
    /// </summary>
    public async Task ForgetAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var ids = new List<string>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey gt {ListPrefix} and RowKey lt {"c."}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(e.RowKey[ListPrefix.Length..]);
        }
        foreach (var chunk in ids.Chunk(100))
        {
            var actions = chunk.Select(id => new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(userId, id) { ["Creator"] = "" }, ETag.All)).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                foreach (var action in actions)
                {
                    try
                    {
                        await table.UpdateEntityAsync(action.Entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
                    }
                    catch (RequestFailedException gone) when (gone.Status == 404)
                    {
                        // Deleted since the list was read: nothing left to clear.
                    }
                }
            }
        }
    }

    public async Task RenameAsync(string userId, string id, string title, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.UpdateMerge, new TableEntity(userId, ListPrefix + id) { ["Title"] = title, ["UpdatedAt"] = now }, ETag.All),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(userId, id) { ["Titled"] = true }, ETag.All),
        ];
        await table.SubmitTransactionAsync(actions, cancellationToken);
    }

    /// <summary>Deletes the conversation with all its messages, in batches of at most 100; the observers (the insights index) first.</summary>
    public async Task<int> DeleteAsync(string userId, string id, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var keys = new List<TableTransactionAction> { new(TableTransactionActionType.Delete, new TableEntity(userId, ListPrefix + id), ETag.All) };
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {userId} and RowKey ge {id} and RowKey lt {id + "."}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            keys.Add(new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All));
        }
        var messageIds = keys.Select(k => k.Entity.RowKey).Where(k => k.Length == id.Length + 20 && k[id.Length] == '-').Select(k => k[(id.Length + 1)..]).ToList();
        foreach (var observer in observers)
        {
            await observer.ConversationDeletedAsync(userId, id, messageIds, cancellationToken);
        }
        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitTransactionAsync(chunk, cancellationToken);
        }
        return keys.Count;
    }

    private static ConversationView ToConversation(TableEntity e) => new(
        e.RowKey[ListPrefix.Length..],
        e.GetString("Title") ?? "",
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default,
        e.GetInt32("MessageCount") ?? 0);

    private static StoredMessage ToMessage(TableEntity e, string conversationId) => new(
        e.RowKey[(conversationId.Length + 1)..],
        e.GetString("Role"),
        e.GetString("Text") ?? "",
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetString("Status") ?? MessageStatus.Ok,
        e.GetString("Mode"),
        e.GetInt32("PromptTokens") ?? 0,
        e.GetInt32("CompletionTokens") ?? 0)
    {
        Sources = e.GetString("Sources") is { } sources ? JsonSerializer.Deserialize<List<SourceRef>>(sources, RequestJson.Options) ?? [] : [],
        AttemptedAt = e.GetDateTimeOffset("AttemptedAt") ?? e.GetDateTimeOffset("CreatedAt") ?? default,
    };
}
