using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Coaching;

public sealed class ChatFunctions(ChatService chat)
{
    /// <summary>Answers <c>text/event-stream</c>: start, delta…, done (or error). Problems before the stream are problem+json.</summary>
    [Function(nameof(SendMessage))]
    [ApiRequest(typeof(ChatMessageRequest))]
    [ApiResponse(200, typeof(ChatEvent), ContentType = "text/event-stream", Description = "Events start, delta… (reset starts the text again), then done or error.")]
    public async Task<IResult> SendMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/conversations/{id}/messages")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var body = await request.ReadJsonAsync<ChatMessageRequest>(cancellationToken);
        await EventStream.WriteAsync(request.HttpContext.Response, chat.TurnAsync(user, id, body.Text!, cancellationToken, ConversationStatePrefetch.For(request.HttpContext.Items.TryGetValue(typeof(ConversationStatePrefetch), out var started) ? started : null, user.UserId, id)), cancellationToken);
        return TypedResults.Empty;
    }

    [Function(nameof(RetryMessage))]
    [ApiResponse(200, typeof(ChatEvent), ContentType = "text/event-stream", Description = "The same stream as a new message.")]
    public async Task<IResult> RetryMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/conversations/{id}/messages/{messageId}/retry")] HttpRequest request,
        string id, string messageId, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        await EventStream.WriteAsync(request.HttpContext.Response, chat.RetryAsync(user, id, messageId, cancellationToken), cancellationToken);
        return TypedResults.Empty;
    }
}
