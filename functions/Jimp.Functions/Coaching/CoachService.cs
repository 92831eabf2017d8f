using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Jimp.Functions.Coaching.Retrieval;
using Jimp.Functions.Platform.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Coaching;

/// <summary>One chat turn to answer.</summary>
/// <param name="UserId">Whose conversation this is (for logs: an id, never text).</param>
/// <param name="History">This user's earlier messages of this conversation, oldest first.</param>
/// <param name="Text">The new user message.</param>
public sealed record CoachRequest(string UserId, CoachProfile Profile, IReadOnlyList<ChatTurn> History, string Text)
{
    /// <summary>Optional summary of turns older than <see cref="History"/> (when the caller keeps only the recent ones).</summary>
    public string? Summary { get; init; }

    /// <summary>The trends snapshot of the conversation's previous turn (<see cref="CoachFinal.Trends"/>); reused the same day.</summary>
    public PinnedTrends? Trends { get; init; }

    /// <summary>The creator's own numbers (their workspace), when they have some and processing is not restricted.</summary>
    public CreatorData? Creator { get; init; }

    /// <summary>Set when the model must not be called for this turn (the user's model tokens are spent): the offline coach answers and the final says why.</summary>
    public CoachNotice? OfflineBecause { get; init; }
}

/// <summary>Why an answer came from the offline coach although a model is configured: the web app shows it.</summary>
/// <param name="Code"><c>budget-used</c> (the user's model tokens of the day) or <c>model-busy</c> (the model answered 429).</param>
/// <param name="RetryAfter">Seconds before the model may answer again (model-busy).</param>
/// <param name="ResetsAt">When the budget renews (budget-used).</param>
public sealed record CoachNotice(string Code, int? RetryAfter, DateTimeOffset? ResetsAt);

/// <summary>What <see cref="CoachService.StreamReplyAsync"/> yields: deltas, possibly a reset, then one <see cref="CoachFinal"/>.</summary>
public abstract record CoachUpdate;

/// <summary>The next piece of the reply, to append.</summary>
public sealed record CoachTextDelta(string Text) : CoachUpdate;

/// <summary>Discard the text streamed so far (the model failed or was filtered mid-stream); a replacement follows.</summary>
public sealed record CoachReset : CoachUpdate;

/// <summary>The last update of a turn.</summary>
/// <param name="Mode">Who produced <see cref="Text"/>: <c>azure-openai</c>, <c>openai-compatible</c> or <c>offline</c>.</param>
/// <param name="Outcome"><see cref="CoachOutcomes"/>: completed, content-filtered or fallback.</param>
/// <param name="PromptTokens">From the model's usage when given, else counted (0 for the offline coach alone).</param>
/// <param name="CompletionTokens">From the model's usage when given, else counted on <see cref="Text"/>.</param>
/// <param name="FellBack">The model was configured but the offline coach answered.</param>
/// <param name="Text">The whole reply as the user saw it after any reset: the text to store.</param>
/// <param name="Trends">The trends snapshot used; hand it back in the next request of the conversation.</param>
/// <param name="Sources">The sources the answer cites: the playbooks the offline coach used, or those of the grounding
/// the model cited by id (<c>[playbook-id]</c>, <c>[workspace-results]</c> for the creator's own numbers).</param>
public sealed record CoachFinal(
    string Mode,
    string Outcome,
    int PromptTokens,
    int CompletionTokens,
    bool FellBack,
    string Text,
    PinnedTrends Trends,
    IReadOnlyList<SourceRef> Sources) : CoachUpdate
{
    /// <summary>Why the offline coach answered although a model is configured, when the user should know.</summary>
    public CoachNotice? Notice { get; init; }
}

public static class CoachOutcomes
{
    public const string Completed = "completed";
    public const string ContentFiltered = "content-filtered";
    public const string Fallback = "fallback";
}

/// <summary>
/// Answers a chat turn: the configured model (streamed, retried on 429 within limits) or the offline coach, which
/// also answers whenever the model is rate-limited beyond the limits, times out, fails or drops the stream.
/// Waits and timeouts run on real time (they are network waits); the injected clock only dates the trends snapshot.
/// </summary>
public sealed partial class CoachService(
    CoachModel model,
    PromptBuilder prompts,
    OfflineCoach offline,
    ITrendReader trendReader,
    IOptions<CoachChatOptions> options,
    TimeProvider clock,
    ILogger<CoachService> logger)
{
    public string Mode => model.Mode;

    public bool IsOffline => model.IsOffline;

    public async IAsyncEnumerable<CoachUpdate> StreamReplyAsync(CoachRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Profile.ThrowIfInvalid();
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw RequestValidationException.For("text", "The message is empty.");
        }
        var o = options.Value;
        var trends = await TrendsForAsync(request, o, cancellationToken);

        if (model.IsOffline || request.OfflineBecause is not null)
        {
            var answer = offline.Answer(request.Profile, request.Text, trends.Items, request.Creator);
            await foreach (var chunk in OfflineCoach.Chunk(answer.Text, cancellationToken))
            {
                yield return new CoachTextDelta(chunk);
            }
            yield return new CoachFinal(ModelOptions.Offline, CoachOutcomes.Completed, 0, prompts.Tokens.Count(answer.Text), false,
                answer.Text, trends, Refs(answer, request.Profile)) { Notice = request.OfflineBecause };
            yield break;
        }

        // One retrieval for both paths: the playbooks the offline coach would use ground the model, as data.
        var grounding = Grounding(request);
        var prompt = prompts.Build(request.Profile, trends, request.History, request.Text, request.Summary, grounding);
        var text = new StringBuilder();
        var failure = Failure.None;
        var filtered = false;
        UsageDetails? usage = null;
        var clockStart = Stopwatch.GetTimestamp();
        var attempt = 0;
        var busyFor = 0;
        while (true)
        {
            attempt++;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(o.FirstTokenTimeoutSeconds));
            var chatOptions = model.RequestOptions.Clone();
            await using var stream = model.Client!.GetStreamingResponseAsync(prompt.Messages, chatOptions, timeout.Token).GetAsyncEnumerator(timeout.Token);
            var step = await NextAsync(stream, cancellationToken);
            if (step.Error is ClientResultException { Status: 429 } rateLimited)
            {
                var wait = RetryAfter(rateLimited) ?? TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
                var elapsed = Stopwatch.GetElapsedTime(clockStart);
                // A wait that would outlast the turn's deadline is not worth it either: busy now, offline answer.
                if (attempt >= o.MaxAttempts || elapsed + wait > TimeSpan.FromSeconds(o.RetryBudgetSeconds) || elapsed + wait > o.AnswerDeadline - FallbackTime)
                {
                    failure = Failure.RateLimited;
                    busyFor = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                    break;
                }
                LogRetry(logger, model.Mode, attempt, (int)wait.TotalMilliseconds);
                await Task.Delay(wait, cancellationToken);
                continue;
            }
            if (step.Error is not null)
            {
                if (IsContentFilter(step.Error))
                {
                    filtered = true;
                }
                else
                {
                    failure = Classify(step.Error);
                }
                break;
            }

            ChatFinishReason? finish = null;
            while (step.HasItem)
            {
                var update = stream.Current;
                finish = update.FinishReason ?? finish;
                foreach (var usageContent in update.Contents.OfType<UsageContent>())
                {
                    usage = usageContent.Details;
                }
                if (finish == ChatFinishReason.ContentFilter)
                {
                    filtered = true;
                    break;
                }
                if (!string.IsNullOrEmpty(update.Text))
                {
                    text.Append(update.Text);
                    yield return new CoachTextDelta(update.Text);
                }
                timeout.CancelAfter(TimeSpan.FromSeconds(o.StreamIdleTimeoutSeconds));
                step = await NextAsync(stream, cancellationToken);
            }
            if (!filtered && step.Error is not null)
            {
                failure = Classify(step.Error) == Failure.Timeout ? Failure.Timeout : Failure.Dropped;
            }
            else if (!filtered && finish is null)
            {
                failure = Failure.Dropped; // the stream ended without a finish reason
            }
            break;
        }

        var fr = request.Profile.IsFrench;
        if (filtered)
        {
            LogContentFiltered(logger, model.Mode, request.UserId, text.Length > 0 ? "stream" : "request");
            if (text.Length > 0)
            {
                yield return new CoachReset();
            }
            var message = fr ? ContentFilteredFr : ContentFilteredEn;
            yield return new CoachTextDelta(message);
            yield return new CoachFinal(model.Mode, CoachOutcomes.ContentFiltered, usage?.InputTokenCount is { } p ? (int)p : prompt.PromptTokens,
                prompts.Tokens.Count(message), false, message, trends, []);
            yield break;
        }
        if (failure == Failure.RateLimited && o.WhenModelUnavailable == CoachChatOptions.Refuse)
        {
            LogFallback(logger, model.Mode, "RateLimitedRefused", attempt);
            throw new ModelBusyException(busyFor);
        }
        if (failure != Failure.None)
        {
            LogFallback(logger, model.Mode, failure.ToString(), attempt);
            if (text.Length > 0)
            {
                yield return new CoachReset();
            }
            var answer = offline.Answer(request.Profile, request.Text, trends.Items, request.Creator);
            var reply = (fr ? FallbackNoteFr : FallbackNoteEn) + "\n\n" + answer.Text;
            await foreach (var chunk in OfflineCoach.Chunk(reply, cancellationToken))
            {
                yield return new CoachTextDelta(chunk);
            }
            yield return new CoachFinal(ModelOptions.Offline, CoachOutcomes.Fallback, prompt.PromptTokens, prompts.Tokens.Count(reply), true,
                reply, trends, Refs(answer, request.Profile))
            {
                Notice = failure == Failure.RateLimited ? new CoachNotice(ChatBudget.ModelBusy, busyFor, null) : null,
            };
            yield break;
        }
        var final = text.ToString();
        yield return new CoachFinal(model.Mode, CoachOutcomes.Completed,
            usage?.InputTokenCount is { } input ? (int)input : prompt.PromptTokens,
            usage?.OutputTokenCount is { } output ? (int)output : prompts.Tokens.Count(final),
            false, final, trends, Cited(final, grounding));
    }

    /// <summary>
    /// The playbooks retrieved for the question, then the creator's own numbers when the question is in scope;
    /// none for an injection attempt or an out-of-scope question.
    /// </summary>
    private IReadOnlyList<GroundingSource> Grounding(CoachRequest request)
    {
        if (InjectionGuard.IsAttempt(request.Text))
        {
            return [];
        }
        var lang = request.Profile.IsFrench ? "fr" : "en";
        var result = offline.Knowledge.Retrieve(request.Text, lang, request.Profile.Niches, request.Profile.Experience, OfflineCoach.MaxSources);
        if (!OfflineCoach.InScope(result, request.Text, request.Creator)) return [];
        var sources = result.Hits.Select(h => GroundingSource.From(h.Entry, lang)).ToList();
        if (request.Creator is { } creator) sources.Insert(0, creator.Source);
        return sources;
    }

    private static List<SourceRef> Refs(OfflineAnswer answer, CoachProfile profile)
    {
        var refs = answer.Sources.Select(e => new SourceRef(GroundingTypes.Playbook, e.Id, e.In(profile.IsFrench ? "fr" : "en").Title)).ToList();
        if (answer.Creator is { } creator) refs.Insert(0, creator.Ref);
        return refs;
    }

    /// <summary>The grounding sources the model's text cites as <c>[id]</c>, in the order given.</summary>
    internal static List<SourceRef> Cited(string text, IReadOnlyList<GroundingSource> grounding) =>
        grounding.Where(g => text.Contains("[" + g.Id + "]", StringComparison.Ordinal)).Select(g => g.Ref).ToList();

    private async Task<PinnedTrends> TrendsForAsync(CoachRequest request, CoachChatOptions o, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (request.Trends is { } pinned && pinned.Fits(today, request.Profile))
        {
            return pinned;
        }
        IReadOnlyList<TrendItem> items;
        try
        {
            items = await trendReader.TopForAsync(request.Profile.Country, request.Profile.Niches, o.TrendsInPrompt, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogTrendsUnavailable(logger, e.GetType().Name);
            items = [];
        }
        return new PinnedTrends(today, request.Profile.Country, [.. request.Profile.Niches], items);
    }

    private readonly record struct Step(bool HasItem, Exception? Error);

    /// <summary>What the offline fallback needs of the turn's deadline after the last retry wait.</summary>
    private static readonly TimeSpan FallbackTime = TimeSpan.FromSeconds(1);

    private static async Task<Step> NextAsync(IAsyncEnumerator<ChatResponseUpdate> stream, CancellationToken cancellationToken)
    {
        try
        {
            return new Step(await stream.MoveNextAsync(), null);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new Step(false, e);
        }
    }

    private enum Failure
    {
        None,
        RateLimited,
        Timeout,
        ServerError,
        Dropped,
        Rejected,
    }

    private static Failure Classify(Exception error) => error switch
    {
        OperationCanceledException or TimeoutException => Failure.Timeout,
        ClientResultException { Status: 429 } => Failure.RateLimited,
        ClientResultException { Status: >= 500 } => Failure.ServerError,
        ClientResultException { Status: 0 } => Failure.Dropped,
        ClientResultException => Failure.Rejected,
        _ => Failure.Dropped,
    };

    private static bool IsContentFilter(Exception error)
    {
        if (error is not ClientResultException { Status: 400 } e || e.GetRawResponse() is not { } response)
        {
            return false;
        }
        try
        {
            using var json = JsonDocument.Parse(response.Content.ToMemory());
            return json.RootElement.TryGetProperty("error", out var body)
                && body.ValueKind == JsonValueKind.Object
                && body.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString() == "content_filter";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary><c>retry-after-ms</c> (Azure OpenAI), else <c>retry-after</c> in seconds or as an HTTP date.</summary>
    internal static TimeSpan? RetryAfter(ClientResultException error)
    {
        if (error.GetRawResponse()?.Headers is not { } headers)
        {
            return null;
        }
        if ((headers.TryGetValue("retry-after-ms", out var ms) || headers.TryGetValue("x-ms-retry-after-ms", out ms))
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }
        if (headers.TryGetValue("retry-after", out var value) && value is not null)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var delay = at - DateTimeOffset.UtcNow;
                return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
            }
        }
        return null;
    }

    internal const string ContentFilteredFr =
        "Je ne peux pas répondre à ce message : le filtre de sécurité du service d'IA l'a bloqué. Reformule ta question autour de ton activité TikTok Shop (produits, vidéos, lives, statistiques) et je t'aide volontiers.";

    internal const string ContentFilteredEn =
        "I can't answer this message: the AI service's safety filter blocked it. Rephrase your question around your TikTok Shop activity (products, videos, lives, analytics) and I'll gladly help.";

    internal const string FallbackNoteFr = "*Le modèle d'IA n'est pas disponible pour le moment : voici la réponse du coach hors ligne.*";

    internal const string FallbackNoteEn = "*The AI model is unavailable right now: here is the offline coach's answer.*";

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Model {Mode} answered 429 on attempt {Attempt}; retrying in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string mode, int attempt, int delayMs);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Model {Mode} content filter blocked a turn of user {UserId} ({Stage})")]
    private static partial void LogContentFiltered(ILogger logger, string mode, string userId, string stage);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Model {Mode} unavailable ({Reason}) after {Attempts} attempt(s); the offline coach answered")]
    private static partial void LogFallback(ILogger logger, string mode, string reason, int attempts);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Trends unavailable ({ExceptionType}); answering without trend data")]
    private static partial void LogTrendsUnavailable(ILogger logger, string exceptionType);
}
