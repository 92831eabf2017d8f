using System.ComponentModel.DataAnnotations;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Coaching;

public sealed record NewConversation([property: StringLength(80, ErrorMessage = "A title has at most 80 characters.")] string? Title);

public sealed record ConversationRename([property: Required(ErrorMessage = "Give a title."), StringLength(80, MinimumLength = 1, ErrorMessage = "A title has 1 to 80 characters.")] string? Title);

/// <summary>A page of conversations, newest first; <c>next</c> is the cursor of the following page, or null.</summary>
public sealed record ConversationPage(IReadOnlyList<ConversationView> Items, string? Next);

/// <summary>A conversation with its latest messages in chronological order; <c>next</c> pages to older ones.</summary>
public sealed record ConversationDetail(ConversationView Conversation, IReadOnlyList<MessageView> Messages, string? Next);

public sealed class ConversationFunctions(Platform.UserCaps caps, ConversationStore conversations, UnansweredQuestions unanswered, TimeProvider clock)
{
    private const int ListPage = 20;
    private const int MessagePage = 50;

    [Function(nameof(CreateConversation))]
    [ApiRequest(typeof(NewConversation), Required = false)]
    [ApiResponse(201, typeof(ConversationView))]
    public async Task<IResult> CreateConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/conversations")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var body = request.ContentLength is > 0 ? await request.ReadJsonAsync<NewConversation>(cancellationToken) : new NewConversation(null);
        var title = string.IsNullOrWhiteSpace(body.Title) ? DefaultTitle(user.Locale) : body.Title.Trim();
        await caps.HitAsync(user.UserId, Platform.UserCap.Conversation, cancellationToken);
        var created = await conversations.CreateAsync(user.UserId, title, titled: !string.IsNullOrWhiteSpace(body.Title), clock.GetUtcNow(), cancellationToken);
        return TypedResults.Created($"/api/conversations/{created.Id}", created);
    }

    [Function(nameof(ListConversations))]
    [ApiQuery("cursor", "The next of the previous page.")]
    [ApiResponse(200, typeof(ConversationPage))]
    public async Task<IResult> ListConversations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/conversations")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var (items, next) = await conversations.ListAsync(user.UserId, request.Query["cursor"], ListPage, cancellationToken);
        return TypedResults.Ok(new ConversationPage(items, next));
    }

    [Function(nameof(GetConversation))]
    [ApiQuery("cursor", "The next of the previous page: older messages.")]
    [ApiResponse(200, typeof(ConversationDetail))]
    public async Task<IResult> GetConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/conversations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var conversation = await conversations.FindAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("conversation");
        var cursor = request.Query["cursor"].ToString();
        var olderThan = cursor.Length == 19 && cursor.All(char.IsAsciiDigit) ? cursor : null;
        var read = await conversations.ReadAsync(user.UserId, id, olderThan, MessagePage + 1, cancellationToken);
        var newestFirst = await unanswered.SettleAsync(user.UserId, id, read?.NewestFirst ?? [], newestMayBeAnsweredOnNewerPage: olderThan is not null, cancellationToken);
        var page = newestFirst.Take(MessagePage).ToList();
        var next = newestFirst.Count > MessagePage ? page[^1].Id : null;
        page.Reverse();
        return TypedResults.Ok(new ConversationDetail(conversation, page.Select(m => m.ToView()).ToList(), next));
    }

    [Function(nameof(RenameConversation))]
    [ApiRequest(typeof(ConversationRename))]
    [ApiResponse(200, typeof(ConversationView))]
    public async Task<IResult> RenameConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "api/conversations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var body = await request.ReadJsonAsync<ConversationRename>(cancellationToken);
        var conversation = await conversations.FindAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("conversation");
        var now = clock.GetUtcNow();
        await conversations.RenameAsync(user.UserId, id, body.Title!.Trim(), now, cancellationToken);
        return TypedResults.Ok(conversation with { Title = body.Title.Trim(), UpdatedAt = now });
    }

    [Function(nameof(DeleteConversation))]
    [ApiResponse(204, Description = "Deleted, with its messages.")]
    public async Task<IResult> DeleteConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/conversations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        _ = await conversations.FindAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("conversation");
        await conversations.DeleteAsync(user.UserId, id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static string DefaultTitle(string locale) => locale == "en" ? "New conversation" : "Nouvelle conversation";
}
