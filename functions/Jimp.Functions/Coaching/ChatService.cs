using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Coaching;

public sealed record ChatMessageRequest(
    [property: Required(ErrorMessage = "Write a message."), StringLength(ChatService.MaxTextLength, MinimumLength = 1, ErrorMessage = "A message has 1 to 4,000 characters.")]
    string? Text);

/// <summary>
/// One chat turn, streamed as server-sent events: the user's message is inserted beside the answer (its insert is
/// done before the answer is stored), the coach's answer is streamed as it comes and stored when complete, even if
/// the client went away. Before the first delta: the session check and the state query, at once (the query starts
/// beside the session's read, <see cref="ConversationStatePrefetch"/>). Storage cost:
/// one query (the conversation's state and newest messages), one insert (the user's message), one batch (the
/// answer, the state, the list entry); one upsert per question observer (the insights index); plus the session
/// check's point read: five in all. With a model and <c>Chat:ModelTokensPerMinute</c>, the deployment's shared token count adds
/// a read and a write at most once per sync interval per instance (<see cref="ModelTokenBudget"/>).
/// </summary>
public sealed partial class ChatService(
    ConversationStore conversations,
    CoachService coach,
    IEnumerable<IQuestionObserver> observers,
    TimeProvider clock,
    IOptions<CoachChatOptions> options,
    ILogger<ChatService> logger,
    ModelTokenBudget modelBudget,
    UnansweredQuestions unanswered,
    ICreatorDataProvider? creatorData = null)
{
    public const int MaxTextLength = 4000;
    public const int TurnsPerMinute = 20;

    /// <summary>Messages handed to the coach: its prompt builder keeps the newest within the token budget and summarises the rest.</summary>
    public const int HistoryMessages = 200;

    /// <summary>How long a conversation reuses the creator's numbers it read (2 storage requests) before reading them again.</summary>
    public const int CreatorDataMinutes = 10;


    // Per instance: a chat turn must not cost a storage round trip for its rate limit (the turn's budget is 4 requests).
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(userId =>
        RateLimitPartition.GetSlidingWindowLimiter(userId, _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = TurnsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        }));

    /// <summary>
    /// One turn's events: <see cref="ChatStartEvent"/>, <see cref="ChatDeltaEvent"/>… (or <see cref="ChatResetEvent"/>),
    /// then <see cref="ChatDoneEvent"/> or <see cref="ChatErrorEvent"/>. What refuses the turn (restriction, rate
    /// limit, budget, no profile, another user's conversation) throws a <see cref="ProblemException"/> on the first
    /// <c>MoveNextAsync</c>, before any event, so the caller answers a problem instead of a stream.
    /// Enumerate to the end: the answer is stored when the last event is produced, whoever still listens.
    /// </summary>
    /// <param name="state">The conversation's state query, already started for this user (<see cref="ConversationStatePrefetch"/>).</param>
    public IAsyncEnumerable<ChatEvent> TurnAsync(SignedInUser user, string conversationId, string text, CancellationToken requestAborted, Task<ConversationState?>? state = null) =>
        RunAsync(user, conversationId, text, retryOf: null, requestAborted, state);

    /// <summary>The same events for a failed message answered again; 404 for an unknown message, 409 when it has an answer.</summary>
    public async IAsyncEnumerable<ChatEvent> RetryAsync(SignedInUser user, string conversationId, string messageId, [EnumeratorCancellation] CancellationToken requestAborted)
    {
        ArgumentNullException.ThrowIfNull(user);
        var message = await conversations.FindMessageAsync(user.UserId, conversationId, messageId, requestAborted);
        if (message is null || message.Role != ChatTurn.User) throw ProblemException.NotFound("message");
        // Failed: marked so, or its turn ended without an answer and without the mark (storage down, a crash).
        if (message.Status != MessageStatus.Failed && !await unanswered.EndedUnansweredAsync(user.UserId, conversationId, message, requestAborted))
        {
            throw new ProblemException(409, "Nothing to retry.", "This message already has an answer, or is being answered.") { Code = "not-failed" };
        }
        await foreach (var e in RunAsync(user, conversationId, message.Text, retryOf: message, requestAborted, prefetched: null)) yield return e;
    }

    private async IAsyncEnumerable<ChatEvent> RunAsync(SignedInUser user, string conversationId, string text, StoredMessage? retryOf, [EnumeratorCancellation] CancellationToken requestAborted, Task<ConversationState?>? prefetched)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Restricted)
        {
            throw ProblemException.Forbidden(IsFrench(user.Locale)
                ? "Tu as demandé à JIMP de limiter le traitement de tes données : le coach est en pause jusqu'à ce que tu lèves la limitation dans le centre de confidentialité."
                : "You asked JIMP to restrict the processing of your data: the coach is paused until you lift the restriction in the privacy center.", "restricted");
        }
        var turnClock = System.Diagnostics.Stopwatch.StartNew(); // the turn's deadline counts from here
        using var lease = limiter.AttemptAcquire(user.UserId);
        if (!lease.IsAcquired)
        {
            var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)) : 10;
            throw IsFrench(user.Locale)
                ? new ProblemException(429, "Trop de messages.", $"Réessaie dans {wait} secondes.") { RetryAfterSeconds = wait, Code = "rate-limited" }
                : ProblemException.TooManyRequests(wait);
        }
        // Another user's conversation is a 404. The profile (it rides on the session) is optional: without one the coach
        // gives general advice in the account's language (policy §2 "facultatif"; the web app hints at adding a niche).
        var state = await (prefetched ?? conversations.ReadStateAsync(user.UserId, conversationId, HistoryMessages, requestAborted))
            ?? throw ProblemException.NotFound("conversation");
        var profile = ProfileStore.Deserialize(user.ProfileJson) ?? CoachProfile.General(user.Locale);
        var o = options.Value;
        var started = clock.GetUtcNow();
        var today = ChatBudget.Today(started);
        var usage = (state.Usage ?? new DailyUsage(today, 0, 0)).On(today);
        if (ChatBudget.TurnsSpent(usage, o)) throw ChatBudget.Used(ChatBudget.TurnsLimit, today, started, profile.IsFrench);
        var tokensSpent = !coach.IsOffline && ChatBudget.TokensSpent(usage, o);
        if (tokensSpent && o.WhenModelUnavailable == CoachChatOptions.Refuse)
        {
            throw ChatBudget.Used(ChatBudget.TokensLimit, today, started, profile.IsFrench);
        }

        // The deployment's tokens of this minute (shared by every instance): spent → offline with the model-busy notice.
        var modelBusyFor = coach.IsOffline || tokensSpent ? null : await modelBudget.SpentForAsync(requestAborted);

        // A question whose turn ended unanswered reads as failed: it stays out of the history, as a marked one does.
        var recent = await unanswered.SettleAsync(user.UserId, conversationId, state.RecentNewestFirst, newestMayBeAnsweredOnNewerPage: false, requestAborted);
        string userMessageId;
        Task<StoredMessage> asking;
        var observing = Task.CompletedTask;
        if (retryOf is null)
        {
            // The question's insert runs beside the answer, off the first delta's path (#17's load profile: at 20
            // concurrent streams it was the longest wait before it). Its id is announced now; the answer is stored only
            // after it (AnswerCoreAsync awaits it first), and when it fails the turn ends with the storage error, no
            // done. The request's token does not cancel it: once started, the turn is stored whoever still listens.
            var askedAt = clock.GetUtcNow();
            var newestId = recent.FirstOrDefault()?.Id;
            userMessageId = ConversationStore.UserMessageIdFor(askedAt, newestId);
            asking = conversations.AddUserMessageAsync(user.UserId, conversationId, text, newestId, askedAt, CancellationToken.None);
            // Objection (Art. 21) keeps the person out of aggregate insights: their questions are not even indexed.
            // The index write runs beside the answer, once the question is stored, and the turn ends only once it is done.
            if (!user.ObjectsToInsights) observing = ObserveWhenStoredAsync(user.UserId, conversationId, asking, profile);
        }
        else
        {
            userMessageId = retryOf.Id;
            asking = Task.FromResult(retryOf);
            // The history is what came before the failed message.
            recent = recent.Where(m => string.CompareOrdinal(m.Id, retryOf.Id) > 0).ToList();
            await conversations.SetStatusAsync(user.UserId, conversationId, retryOf.Id, MessageStatus.Ok, requestAborted, attemptedAt: clock.GetUtcNow());
        }
        var history = recent.Where(m => m.Status == MessageStatus.Ok || m.Role == ChatTurn.Assistant)
            .Reverse()
            .Select(m => new ChatTurn(m.Role, m.Text, m.CreatedAt))
            .ToList();

        try
        {
            yield return new ChatStartEvent(userMessageId, coach.Mode);

            // C# yields no event from a try with a catch: the answer runs as its own task and hands its events over a
            // channel, which also keeps it going (and stored) if the caller stops listening.
            var events = Channel.CreateUnbounded<ChatEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var answering = AnswerAsync(new Turn(user, conversationId, text, retryOf, state, profile, tokensSpent, modelBusyFor, today, userMessageId, asking, history, turnClock), events.Writer, requestAborted);
            // Deltas that arrived while the last event was being written go out as one (ChatEventQueue).
            await foreach (var e in ChatEventQueue.ReadMergedAsync(events.Reader, CancellationToken.None)) yield return e;
            await answering;
        }
        finally
        {
            await observing;
        }
    }

    /// <summary>What the checks of a turn settled, for the answer.</summary>
    private sealed record Turn(SignedInUser User, string ConversationId, string Text, StoredMessage? RetryOf, ConversationState State,
        CoachProfile Profile, bool TokensSpent, int? ModelBusyFor, DateOnly Today, string AnnouncedId, Task<StoredMessage> Asking, List<ChatTurn> History,
        System.Diagnostics.Stopwatch TurnClock);

    private async Task AnswerAsync(Turn turn, ChannelWriter<ChatEvent> stream, CancellationToken requestAborted)
    {
        try
        {
            await AnswerCoreAsync(turn, stream, requestAborted);
        }
        finally
        {
            stream.Complete();
        }
    }

    private async Task AnswerCoreAsync(Turn turn, ChannelWriter<ChatEvent> stream, CancellationToken requestAborted)
    {
        var (user, conversationId, text, retryOf, state, profile, tokensSpent, modelBusyFor, today, announcedId, asking, history, turnClock) = turn;
        StoredMessage? userMessage = null; // the stored question, once its insert is done
        var o = options.Value;
        // The answer is produced and stored even when the client goes away: not the request's token.
        // So is the deadline: whatever the retry budget and the model's timeouts, the coach stops at AnswerDeadline
        // (from the turn's start) and the rest of Chat:TurnDeadlineSeconds is left to store and say how it ended.
        var answerTime = o.AnswerDeadline - turnClock.Elapsed;
        using var turnTimeout = new CancellationTokenSource(answerTime > TimeSpan.FromMilliseconds(1) ? answerTime : TimeSpan.FromMilliseconds(1));
        try
        {
            CoachFinal? final = null;
            if (modelBusyFor is { } busyFor && o.WhenModelUnavailable == CoachChatOptions.Refuse) throw new ModelBusyException(busyFor);
            var creator = await CreatorPinAsync(user, state.Creator, turnTimeout.Token);
            var request = new CoachRequest(user.UserId, profile, history, text)
            {
                Trends = state.Trends,
                Creator = creator?.Data,
                OfflineBecause = tokensSpent ? new CoachNotice(ChatBudget.BudgetUsed, null, ChatBudget.ResetsAt(today))
                    : modelBusyFor is { } wait ? new CoachNotice(ChatBudget.ModelBusy, wait, null)
                    : null,
            };
            await foreach (var update in coach.StreamReplyAsync(request, turnTimeout.Token))
            {
                switch (update)
                {
                    case CoachTextDelta delta:
                        await stream.WriteAsync(new ChatDeltaEvent(delta.Text), CancellationToken.None);
                        break;
                    case CoachReset:
                        await stream.WriteAsync(new ChatResetEvent(), CancellationToken.None);
                        break;
                    case CoachFinal f:
                        final = f;
                        break;
                }
            }
            if (final is null) throw new InvalidOperationException("The coach ended without a final update.");
            // Every stored answer has its question stored before it (its id: the announced one, or older after a key collision).
            userMessage = await asking;
            var now = clock.GetUtcNow();
            var answer = new StoredMessage(ConversationStore.AnswerIdFor(userMessage.Id), ChatTurn.Assistant, final.Text, now,
                final.Outcome == CoachOutcomes.ContentFiltered ? MessageStatus.ContentFiltered : MessageStatus.Ok,
                final.Mode, final.PromptTokens, final.CompletionTokens) { Sources = final.Sources };
            var autoTitle = state.Titled || state.MessageCount > 0 ? null : TitleFrom(text);
            // Model tokens count only when the model answered (the offline coach and a fallback spend none).
            var modelTokens = final.Mode == ModelOptions.Offline ? 0L : final.PromptTokens + (long)final.CompletionTokens;
            var stored = await conversations.CompleteTurnAsync(user.UserId, conversationId, answer, final.Trends, autoTitle,
                state.MessageCount + (retryOf is null ? 2 : 1), now, CancellationToken.None, creator, state.Usage, (1, modelTokens));
            await stream.WriteAsync(new ChatDoneEvent(userMessage.Id, stored.Id, final.Mode, final.Outcome,
                new ChatUsage(final.PromptTokens, final.CompletionTokens), autoTitle, final.Sources,
                AiGenerated: final.Mode != ModelOptions.Offline, final.Notice), CancellationToken.None);
            LogTurn(logger, user.UserId, conversationId, final.Mode, final.Outcome, final.PromptTokens, final.CompletionTokens);
            // After the answer: the deployment's shared count (written when due, see ModelTokenBudget).
            await modelBudget.RecordAsync(modelTokens, CancellationToken.None);
        }
        catch (ModelBusyException busy)
        {
            LogTurnFailed(logger, user.UserId, conversationId, nameof(ModelBusyException));
            userMessage = await StoredOrNullAsync(asking);
            if (userMessage is null)
            {
                await stream.WriteAsync(QuestionNotSavedEvent(announcedId, profile.IsFrench), CancellationToken.None);
                return;
            }
            await unanswered.MarkFailedAsync(user.UserId, conversationId, userMessage.Id);
            await stream.WriteAsync(ChatBudget.ModelBusyEvent(busy.RetryAfterSeconds, userMessage.Id, profile.IsFrench), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !requestAborted.IsCancellationRequested || turnTimeout.IsCancellationRequested)
        {
            var timedOut = turnTimeout.IsCancellationRequested && ex is OperationCanceledException;
            LogTurnFailed(logger, user.UserId, conversationId, timedOut ? "TurnDeadline" : ex.GetType().Name);
            // The question not stored (its insert failed): nothing to mark, the client is told storage failed.
            userMessage ??= await StoredOrNullAsync(asking);
            if (userMessage is null)
            {
                await stream.WriteAsync(QuestionNotSavedEvent(announcedId, profile.IsFrench), CancellationToken.None);
                return;
            }
            // Storage down: the mark waits in memory (the question still reads as failed, and can be retried); the client
            // is told which dependency failed.
            var storageDown = ex is Platform.Storage.StorageUnavailableException
                | !await unanswered.MarkFailedAsync(user.UserId, conversationId, userMessage.Id);
            var fr = profile.IsFrench;
            if (timedOut && !storageDown)
            {
                await stream.WriteAsync(new ChatErrorEvent(
                    504,
                    fr ? "Le coach a mis trop de temps à répondre." : "The coach took too long to answer.",
                    fr ? "Ton message est enregistré. Réessaie : la réponse arrive souvent plus vite la deuxième fois." : "Your message is saved. Try again: the answer often comes faster the second time.",
                    "turn-timeout",
                    userMessage.Id), CancellationToken.None);
                return;
            }
            await stream.WriteAsync(storageDown ? StorageDownEvent(userMessage.Id, fr) : new ChatErrorEvent(
                503,
                fr ? "Le coach n'a pas pu répondre." : "The coach could not answer.",
                fr ? "Ton message est enregistré. Réessaie dans un instant." : "Your message is saved. Try again in a moment.",
                "turn-failed",
                userMessage.Id), CancellationToken.None);
        }
    }

    private static ChatErrorEvent StorageDownEvent(string userMessageId, bool fr) => new(
        503,
        fr ? "Le coach n'a pas pu répondre." : "The coach could not answer.",
        fr ? "Le stockage de JIMP ne répond pas pour le moment. Réessaie dans une minute." : "JIMP's storage is not answering right now. Try again in a minute.",
        "storage-unavailable",
        userMessageId);

    /// <summary>
    /// The question itself could not be stored (storage down): nothing of the turn is kept, so there is nothing to
    /// retry; the web app says so and keeps the text to send again. The id is the one <c>start</c> announced.
    /// </summary>
    private static ChatErrorEvent QuestionNotSavedEvent(string announcedId, bool fr) => new(
        503,
        fr ? "Ton message n'a pas été enregistré." : "Your message was not saved.",
        fr ? "Le stockage de JIMP ne répond pas pour le moment. Renvoie ton message dans une minute." : "JIMP's storage is not answering right now. Send your message again in a minute.",
        "question-not-saved",
        announcedId);

    /// <summary>The stored question, or null when its insert failed (storage down or refusing it: the turn then stores nothing).</summary>
    private async Task<StoredMessage?> StoredOrNullAsync(Task<StoredMessage> asking)
    {
        try
        {
            return await asking;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or Platform.Storage.StorageUnavailableException or IOException or TimeoutException or HttpRequestException or OperationCanceledException)
        {
            LogQuestionNotStored(logger, ex.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A chat question could not be stored ({ExceptionType}); its turn ends with the storage error")]
    private static partial void LogQuestionNotStored(ILogger logger, string exceptionType);

    /// <summary>Indexes the question once it is stored (a question whose insert failed is not indexed: its turn failed).</summary>
    private async Task ObserveWhenStoredAsync(string userId, string conversationId, Task<StoredMessage> asking, CoachProfile profile)
    {
        StoredMessage question;
        try
        {
            question = await asking;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or Platform.Storage.StorageUnavailableException or IOException or TimeoutException or HttpRequestException or OperationCanceledException)
        {
            return; // the answer's side logs it and ends the turn with the storage error
        }
        await ObserveAsync(userId, conversationId, question, profile);
    }

    internal static bool IsFrench(string? locale) => !(locale ?? "fr").StartsWith("en", StringComparison.OrdinalIgnoreCase);

    /// <summary>The observers (the insights index) are best effort: a failed index write loses one count, never the turn.</summary>
    private async Task ObserveAsync(string userId, string conversationId, StoredMessage question, CoachProfile profile)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.QuestionAskedAsync(userId, conversationId, question, profile, CancellationToken.None);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or IOException or TimeoutException or HttpRequestException)
            {
                LogObserverFailed(logger, observer.GetType().Name, ex.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Question observer {Observer} failed with {ExceptionType}; the turn goes on")]
    private static partial void LogObserverFailed(ILogger logger, string observer, string exceptionType);

    private static string TitleFrom(string text)
    {
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? text.Trim();
        return line.Length <= 60 ? line : line[..57].TrimEnd() + "…";
    }

    /// <summary>
    /// The creator's own numbers for this turn: the conversation's pin when recent, else read again (and pinned by
    /// the answer's write); none, and nothing pinned, while restricted or when their store is unavailable.
    /// </summary>
    private async Task<CreatorPin?> CreatorPinAsync(SignedInUser user, CreatorPin? pinned, CancellationToken cancellationToken)
    {
        if (creatorData is null || user.Restricted) return null;
        var now = clock.GetUtcNow();
        if (pinned is not null && now - pinned.At < TimeSpan.FromMinutes(CreatorDataMinutes) && pinned.At <= now) return pinned;
        try
        {
            return new CreatorPin(now, await creatorData.ForAsync(user, cancellationToken));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCreatorDataUnavailable(logger, user.UserId, e.GetType().Name);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creator data of user {UserId} unavailable ({ExceptionType}); answering without it")]
    private static partial void LogCreatorDataUnavailable(ILogger logger, string userId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat turn of user {UserId} in {ConversationId}: {Mode}, {Outcome}, {PromptTokens} prompt and {CompletionTokens} completion tokens")]
    private static partial void LogTurn(ILogger logger, string userId, string conversationId, string mode, string outcome, int promptTokens, int completionTokens);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat turn of user {UserId} in {ConversationId} failed with {ExceptionType}")]
    private static partial void LogTurnFailed(ILogger logger, string userId, string conversationId, string exceptionType);
}
