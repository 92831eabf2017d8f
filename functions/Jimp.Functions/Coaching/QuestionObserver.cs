namespace Jimp.Functions.Coaching;

/// <summary>
/// Told of each new question a user asks, inside the turn (before the answer streams). The Insights feature keeps
/// its weekly index this way, so its run never reads the conversations. One storage request at most: the turn's
/// budget is five.
/// </summary>
public interface IQuestionObserver
{
    Task QuestionAskedAsync(string userId, string conversationId, StoredMessage question, CoachProfile profile, CancellationToken cancellationToken);

    /// <summary>The user deletes a conversation: whatever was kept of its messages goes too (called before the messages are deleted).</summary>
    /// <param name="messageIds">The ids of the conversation's messages (newest-first times).</param>
    Task ConversationDeletedAsync(string userId, string conversationId, IReadOnlyList<string> messageIds, CancellationToken cancellationToken);
}
