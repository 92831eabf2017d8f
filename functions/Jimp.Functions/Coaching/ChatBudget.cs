using System.Globalization;
using Azure;
using Jimp.Functions.Platform.Http;

namespace Jimp.Functions.Coaching;

/// <summary>
/// A user's chat usage on one UTC day: the turns answered and the model tokens they spent. Kept in Table Storage
/// (row <see cref="ConversationStore.UsageRow"/> of the user's <c>conversations</c> partition), so every instance
/// sees the same counts: the turn's conversation query reads it and the answer's batch writes it (no extra request;
/// a conflicting write from another instance costs one point read and the batch again).
/// </summary>
/// <param name="ETag">The stored row's version, null when the user has no row yet (the batch adds it).</param>
public sealed record DailyUsage(DateOnly Day, int Turns, long ModelTokens, ETag? ETag = null)
{
    /// <summary>The counts that apply on <paramref name="today"/>: a row of an earlier day counts as zero (its version kept for the write).</summary>
    public DailyUsage On(DateOnly today) => Day == today ? this : new DailyUsage(today, 0, 0, ETag);

    public DailyUsage Plus(int turns, long modelTokens) => this with { Turns = Turns + turns, ModelTokens = ModelTokens + modelTokens };
}

/// <summary>What a turn may spend, checked before anything is stored, and the problems it answers when spent.</summary>
public static class ChatBudget
{
    public const string BudgetUsed = "budget-used";
    public const string ModelBusy = "model-busy";
    public const string TurnsLimit = "turns";
    public const string TokensLimit = "tokens";

    /// <summary>Budgets are per UTC day: they renew at the next 00:00 UTC.</summary>
    public static DateTimeOffset ResetsAt(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    public static bool TurnsSpent(DailyUsage usage, CoachChatOptions options) => usage.Turns >= options.TurnsPerDay;

    public static bool TokensSpent(DailyUsage usage, CoachChatOptions options) => usage.ModelTokens >= options.ModelTokensPerDay;

    /// <summary>429 <c>budget-used</c>, in the user's language, with <c>limit</c>, <c>resetsAt</c> and Retry-After.</summary>
    public static ProblemException Used(string limit, DateOnly day, DateTimeOffset now, bool french)
    {
        var resets = ResetsAt(day);
        var seconds = Math.Max(1, (int)Math.Ceiling((resets - now).TotalSeconds));
        var at = resets.ToString("HH:mm", CultureInfo.InvariantCulture);
        var (title, detail) = (limit, french) switch
        {
            (TurnsLimit, true) => ("Quota du jour atteint.", $"Tu as utilisé tous tes messages du jour avec le coach. Ton quota se renouvelle à {at} UTC."),
            (TurnsLimit, false) => ("Today's allowance is used up.", $"You have used all of today's messages with the coach. Your allowance renews at {at} UTC."),
            (_, true) => ("Quota d'IA du jour atteint.", $"Tu as utilisé tout ton quota d'IA du jour. Il se renouvelle à {at} UTC."),
            _ => ("Today's AI allowance is used up.", $"You have used all of today's AI allowance. It renews at {at} UTC."),
        };
        return new ProblemException(429, title, detail)
        {
            Code = BudgetUsed,
            RetryAfterSeconds = seconds,
            Extensions = new Dictionary<string, object?> { ["limit"] = limit, ["resetsAt"] = resets },
        };
    }

    /// <summary>The SSE <c>error</c> event of a turn the model refused with 429 beyond the retry budget (when configured to refuse).</summary>
    public static ChatErrorEvent ModelBusyEvent(int retryAfterSeconds, string userMessageId, bool french) => new(
        503,
        french ? "Le modèle d'IA est saturé." : "The AI model is busy.",
        french
            ? $"Ton message est enregistré. Réessaie dans {retryAfterSeconds} s."
            : $"Your message is saved. Try again in {retryAfterSeconds} s.",
        ModelBusy,
        userMessageId)
    {
        RetryAfter = retryAfterSeconds,
    };
}

/// <summary>The model answered 429 beyond the turn's retry budget and the deployment refuses rather than answering offline.</summary>
public sealed class ModelBusyException(int retryAfterSeconds) : Exception("The model is rate-limited.")
{
    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
