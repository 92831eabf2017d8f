using Jimp.Functions.Accounts;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Coaching;

/// <summary>
/// Starts a chat turn's state query (<see cref="ConversationStore.ReadStateAsync"/>) beside the session check of
/// <c>POST /api/conversations/{id}/messages</c>, so the two storage round trips before the first delta run at once
/// instead of in series (#17's load profile). The turn uses it only for the signed-in user the cookie named and the
/// route's conversation (<see cref="For"/>); otherwise it reads again. A bogus cookie costs this one wasted read.
/// </summary>
public sealed class ConversationStatePrefetch(ConversationStore conversations) : ISessionPrefetch
{
    private sealed record Prefetched(string UserId, string ConversationId, Task<ConversationState?> Read);

    public object? Start(string method, string path, string userId)
    {
        if (!HttpMethods.IsPost(method)) return null;
        if (path?.Split('/') is not ["", "api", "conversations", var conversationId, "messages"] || conversationId.Length == 0) return null;
        var read = conversations.ReadStateAsync(userId, conversationId, ChatService.HistoryMessages, CancellationToken.None);
        // Unused when the session is refused: its failure must not go unobserved.
        _ = read.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return new Prefetched(userId, conversationId, read);
    }

    /// <summary>The state query started for this user and conversation, or null (then the turn reads it itself).</summary>
    /// <param name="started">What <see cref="Start"/> returned for this request (kept in its items), or null.</param>
    public static Task<ConversationState?>? For(object? started, string userId, string conversationId)
    {
        return started is Prefetched p
            && string.Equals(p.UserId, userId, StringComparison.Ordinal) && string.Equals(p.ConversationId, conversationId, StringComparison.Ordinal)
            ? p.Read : null;
    }
}
