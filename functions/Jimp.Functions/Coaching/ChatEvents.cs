using System.Text.Json.Serialization;
using Jimp.Functions.Platform.Http;

namespace Jimp.Functions.Coaching;

/// <summary>
/// One event of a chat turn, as the service yields it: the chat function writes each as a server-sent event named
/// its <c>Name</c> whose data is the record (JSON, the API's casing). The records are the contract of the stream
/// (docs/openapi.json); the service knows nothing of HTTP.
/// Each concrete event names itself in a constant <c>EventName</c> (docs/openapi.json lists the events of the stream by
/// it, with the schema of their data).
/// </summary>
/// <param name="Name">The SSE event name (the <c>event:</c> line); not part of the data.</param>
public abstract record ChatEvent([property: JsonIgnore] string Name) : IServerSentEvent;

/// <summary><c>start</c>: the user's message is stored; the answer follows.</summary>
public sealed record ChatStartEvent(string UserMessageId, string Mode) : ChatEvent(EventName)
{
    public const string EventName = "start";
}

/// <summary><c>delta</c>: the next piece of the answer's text.</summary>
public sealed record ChatDeltaEvent(string Text) : ChatEvent(EventName)
{
    public const string EventName = "delta";
}

/// <summary><c>reset</c>: forget the text received so far (the answer starts again, e.g. offline after a model failure).</summary>
public sealed record ChatResetEvent() : ChatEvent(EventName)
{
    public const string EventName = "reset";
}

/// <summary>Tokens the model spent on the answer (0 for the offline coach).</summary>
public sealed record ChatUsage(int PromptTokens, int CompletionTokens);

/// <summary><c>done</c>: the answer is stored; the last event of a turn that succeeded.</summary>
/// <param name="Title">The conversation's automatic title when this turn gave it one, else null.</param>
/// <param name="AiGenerated">True when a model wrote the answer (AI Act Art. 50), false for the offline coach.</param>
/// <param name="Notice">Why the offline coach answered although a model is configured, when the user should know.</param>
public sealed record ChatDoneEvent(
    string UserMessageId,
    string AssistantMessageId,
    string Mode,
    string Outcome,
    ChatUsage Usage,
    string? Title,
    IReadOnlyList<SourceRef> Sources,
    bool AiGenerated,
    CoachNotice? Notice) : ChatEvent(EventName)
{
    public const string EventName = "done";
}

/// <summary>
/// <c>error</c>: the turn failed after the stream began; the user's message is kept (status failed) and can be retried.
/// Codes: <c>model-busy</c> (with <see cref="RetryAfter"/> seconds), <c>turn-timeout</c>, <c>turn-failed</c>,
/// <c>storage-unavailable</c>; and <c>question-not-saved</c> (503, storage down at the question's insert): nothing of
/// the turn is stored, nothing can be retried, the message is to be sent again. Title and detail are in the user's language.
/// </summary>
public sealed record ChatErrorEvent(int Status, string Title, string Detail, string Code, string UserMessageId) : ChatEvent(EventName)
{
    public const string EventName = "error";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RetryAfter { get; init; }
}
