using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Coaching;

/// <summary>Prompt size and model-call limits of the coach (section <c>Chat</c>).</summary>
public sealed class CoachChatOptions
{
    public const string Section = "Chat";

    /// <summary>Prompt tokens per turn never exceed this (o200k tokens, message overhead included).</summary>
    [Range(2000, 200_000)]
    public int PromptTokenBudget { get; set; } = 6000;

    /// <summary>At most this many earlier messages (user or assistant) are sent verbatim; older ones are summarised.</summary>
    [Range(0, 500)]
    public int RecentTurns { get; set; } = 20;

    [Range(16, 32_000)]
    public int MaxOutputTokens { get; set; } = 1024;

    /// <summary>Tokens reserved for the rolling summary of older turns.</summary>
    [Range(0, 20_000)]
    public int SummaryTokenBudget { get; set; } = 600;

    /// <summary>A message (the new one or an earlier one) longer than this is cut (4,000 characters are ~1,000 tokens).</summary>
    [Range(100, 20_000)]
    public int MaxMessageTokens { get; set; } = 1200;

    /// <summary>Tokens reserved for the sources retrieved for the question (the playbooks the model may cite).</summary>
    [Range(0, 20_000)]
    public int GroundingTokenBudget { get; set; } = 900;

    /// <summary>How many trends the prompt lists (the offline coach names at most 3 of them).</summary>
    [Range(0, 50)]
    public int TrendsInPrompt { get; set; } = 10;

    /// <summary>Calls per turn when the model answers 429 (the first one included).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>All attempts of a turn, waits included, fit in this many seconds; then the offline coach answers.</summary>
    [Range(0, 300)]
    public double RetryBudgetSeconds { get; set; } = 20;

    /// <summary>No first token within this many seconds: the offline coach answers.</summary>
    [Range(0.05, 600)]
    public double FirstTokenTimeoutSeconds { get; set; } = 30;

    /// <summary>No next chunk within this many seconds: the stream is treated as dropped.</summary>
    [Range(0.05, 600)]
    public double StreamIdleTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Every turn ends within this many seconds, whatever the retry budget and the timeouts above say: the answer
    /// (or the failure) is stored and a <c>done</c> or <c>error</c> event written. A model still streaming then is cut;
    /// the turn ends with <c>error</c> <c>turn-timeout</c> and the message can be retried. At most 40 s, under the
    /// 45 s a proxy in front of the app may allow a request.
    /// </summary>
    [Range(1, 40)]
    public double TurnDeadlineSeconds { get; set; } = 35;

    /// <summary>What the turn keeps of its deadline for storing the answer and writing the last event.</summary>
    public TimeSpan StoreReserve => TimeSpan.FromSeconds(Math.Min(2, TurnDeadlineSeconds / 4));

    /// <summary>How long the coach may produce the answer: the deadline less the store reserve.</summary>
    public TimeSpan AnswerDeadline => TimeSpan.FromSeconds(TurnDeadlineSeconds) - StoreReserve;

    /// <summary>Turns a user may have answered per UTC day, counted in Table Storage across instances; then 429 <c>budget-used</c>.</summary>
    [Range(1, 100_000)]
    public int TurnsPerDay { get; set; } = 100;

    /// <summary>Model tokens (prompt + completion) a user may spend per UTC day, across instances.</summary>
    [Range(1, 100_000_000)]
    public long ModelTokensPerDay { get; set; } = 250_000;

    /// <summary>
    /// The deployment's model tokens per minute, shared by every instance (<see cref="ModelTokenBudget"/>): the Azure
    /// OpenAI deployment's TPM quota, which Bicep sets to <c>chatModelCapacity</c> × 1,000. When this minute's tokens
    /// reach it, turns get the offline coach with the <c>model-busy</c> notice until the next minute. 0 = no budget.
    /// </summary>
    [Range(0, 1_000_000_000)]
    public long ModelTokensPerMinute { get; set; }

    /// <summary>How old an instance's view of the minute's shared token count may be (and how often it writes its own).</summary>
    [Range(0.1, 60)]
    public double ModelBudgetSyncSeconds { get; set; } = 5;

    /// <summary>Counter rows of the shared token budget: each instance writes one, picked at random.</summary>
    [Range(1, 32)]
    public int ModelBudgetShards { get; set; } = 4;

    /// <summary>
    /// When a user's model tokens are spent: <c>offline</c> (the offline coach answers, and the answer says why) or
    /// <c>refuse</c> (429 <c>budget-used</c>). The same choice when the model answers 429 beyond the retry budget:
    /// <c>offline</c> answers offline with a <c>model-busy</c> notice, <c>refuse</c> fails the turn with <c>model-busy</c>.
    /// </summary>
    [RegularExpression("^(offline|refuse)$")]
    public string WhenModelUnavailable { get; set; } = Offline;

    public const string Offline = "offline";
    public const string Refuse = "refuse";

    /// <summary>The fixed reserves leave room for the system prompt, profile and trends (about 1,000 tokens).</summary>
    public bool IsValid(out string? problem)
    {
        var reserved = SummaryTokenBudget + MaxMessageTokens + GroundingTokenBudget + 1500;
        problem = PromptTokenBudget < reserved
            ? $"Chat:PromptTokenBudget must be at least SummaryTokenBudget + MaxMessageTokens + GroundingTokenBudget + 1500 ({reserved})."
            : null;
        return problem is null;
    }
}
