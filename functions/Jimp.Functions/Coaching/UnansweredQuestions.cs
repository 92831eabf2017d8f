using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Coaching;

/// <summary>
/// When a question without an answer counts as failed, so that the person can retry it. A turn that fails marks its
/// question failed in storage; when storage itself is down, that mark cannot be written, and a crash mid-turn never
/// writes it. So a question also counts as failed when no answer follows it and either this instance saw its turn
/// fail (kept in memory until the mark is written, at the next read of the conversation) or its last attempt started
/// longer ago than <c>Chat:TurnDeadlineSeconds</c> (no turn runs longer: the answer is stored or the turn has ended).
/// </summary>
public sealed class UnansweredQuestions(ConversationStore conversations, TimeProvider clock, IOptions<CoachChatOptions> options)
{
    /// <summary>Failures seen here whose mark storage refused; bounded (older entries are covered by the deadline).</summary>
    private const int MaxUnrecorded = 10_000;

    private readonly ConcurrentDictionary<(string UserId, string ConversationId, string MessageId), DateTimeOffset> unrecorded = new();

    private TimeSpan TurnDeadline => TimeSpan.FromSeconds(options.Value.TurnDeadlineSeconds);

    /// <summary>Marks the question failed; when storage is down, remembers it here and answers false.</summary>
    public async Task<bool> MarkFailedAsync(string userId, string conversationId, string messageId)
    {
        try
        {
            await conversations.SetStatusAsync(userId, conversationId, messageId, MessageStatus.Failed, CancellationToken.None);
            unrecorded.TryRemove((userId, conversationId, messageId), out _);
            return true;
        }
        catch (Platform.Storage.StorageUnavailableException)
        {
            Remember(userId, conversationId, messageId);
            return false;
        }
    }

    /// <summary>
    /// The messages (newest first) with every question whose turn has ended without an answer shown as failed; the
    /// failures this instance could not record are written now (best effort: storage may still be down).
    /// </summary>
    public async Task<List<StoredMessage>> SettleAsync(string userId, string conversationId, IReadOnlyList<StoredMessage> newestFirst, bool newestMayBeAnsweredOnNewerPage, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = newestFirst.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var settled = new List<StoredMessage>(newestFirst.Count);
        for (var i = 0; i < newestFirst.Count; i++)
        {
            var m = newestFirst[i];
            // The answer sorts just before its question (newest first): on a page that starts after a cursor, the first
            // question's answer may be on the newer page, so it is left as stored.
            var answerUnknown = i == 0 && newestMayBeAnsweredOnNewerPage;
            if (m.Role == ChatTurn.User && m.Status == MessageStatus.Ok && !answerUnknown && !ids.Contains(ConversationStore.AnswerIdFor(m.Id))
                && Ended(userId, conversationId, m, now))
            {
                settled.Add(m with { Status = MessageStatus.Failed });
                if (unrecorded.ContainsKey((userId, conversationId, m.Id))) await TryRecordAsync(userId, conversationId, m.Id, cancellationToken);
            }
            else
            {
                settled.Add(m);
            }
        }
        return settled;
    }

    /// <summary>Whether a stored question (not marked failed) may be retried: its turn ended and no answer was stored.</summary>
    public async Task<bool> EndedUnansweredAsync(string userId, string conversationId, StoredMessage question, CancellationToken cancellationToken)
    {
        if (!Ended(userId, conversationId, question, clock.GetUtcNow())) return false;
        return await conversations.FindMessageAsync(userId, conversationId, ConversationStore.AnswerIdFor(question.Id), cancellationToken) is null;
    }

    private bool Ended(string userId, string conversationId, StoredMessage question, DateTimeOffset now) =>
        unrecorded.ContainsKey((userId, conversationId, question.Id)) || question.AttemptedAt + TurnDeadline < now;

    private async Task TryRecordAsync(string userId, string conversationId, string messageId, CancellationToken cancellationToken)
    {
        try
        {
            await conversations.SetStatusAsync(userId, conversationId, messageId, MessageStatus.Failed, cancellationToken);
            unrecorded.TryRemove((userId, conversationId, messageId), out _);
        }
        catch (Platform.Storage.StorageUnavailableException)
        {
            // Still down: the failure stays in memory, the reader is shown it anyway.
        }
    }

    private void Remember(string userId, string conversationId, string messageId)
    {
        var now = clock.GetUtcNow();
        if (unrecorded.Count >= MaxUnrecorded)
        {
            // Past the deadline the stored time says it all: those entries are no longer needed.
            foreach (var old in unrecorded.Where(e => e.Value + TurnDeadline < now).Select(e => e.Key).ToList()) unrecorded.TryRemove(old, out _);
            if (unrecorded.Count >= MaxUnrecorded) return;
        }
        unrecorded[(userId, conversationId, messageId)] = now;
    }
}
