using System.ComponentModel.DataAnnotations;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Coaching;

public sealed record NewConversation([property: StringLength(80, ErrorMessage = "A title has at most 80 characters.")] string? Title);

public sealed record ConversationRename([property: Required(ErrorMessage = "Give a title."), StringLength(80, MinimumLength = 1, ErrorMessage = "A title has 1 to 80 characters.")] string? Title);

public sealed class ConversationFunctions(SessionAuth auth, Platform.UserCaps caps, ConversationStore conversations, TimeProvider clock)
{
    private const int ListPage = 20;
    private const int MessagePage = 50;

    [Function(nameof(CreateConversation))]
    public async Task<IResult> CreateConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "conversations")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var body = request.ContentLength is > 0 ? await request.ReadJsonAsync<NewConversation>(cancellationToken) : new NewConversation(null);
        var title = string.IsNullOrWhiteSpace(body.Title) ? DefaultTitle(user.Locale) : body.Title.Trim();
        await caps.HitAsync(user.UserId, Platform.UserCap.Conversation, cancellationToken);
        var created = await conversations.CreateAsync(user.UserId, title, titled: !string.IsNullOrWhiteSpace(body.Title), clock.GetUtcNow(), cancellationToken);
        return TypedResults.Created($"/api/conversations/{created.Id}", created);
    }

    [Function(nameof(ListConversations))]
    public async Task<IResult> ListConversations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var (items, next) = await conversations.ListAsync(user.UserId, request.Query["cursor"], ListPage, cancellationToken);
        return TypedResults.Ok(new { items, next });
    }

    [Function(nameof(GetConversation))]
    public async Task<IResult> GetConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "conversations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var conversation = await conversations.FindAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("conversation");
        var cursor = request.Query["cursor"].ToString();
        var read = await conversations.ReadAsync(user.UserId, id, cursor.Length == 19 && cursor.All(char.IsAsciiDigit) ? cursor : null, MessagePage + 1, cancellationToken);
        var newestFirst = read?.NewestFirst ?? [];
        var page = newestFirst.Take(MessagePage).ToList();
        var next = newestFirst.Count > MessagePage ? page[^1].Id : null;
        page.Reverse();
        return TypedResults.Ok(new { conversation, messages = page.Select(m => m.ToView()), next });
    }

    [Function(nameof(RenameConversation))]
    public async Task<IResult> RenameConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "conversations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var body = await request.ReadJsonAsync<ConversationRename>(cancellationToken);
        var conversation = await conversations.FindAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("conversation");
        var now = clock.GetUtcNow();
        await conversations.RenameAsync(user.UserId, id, body.Title!.Trim(), now, cancellationToken);
        return TypedResults.Ok(conversation with { Title = body.Title.Trim(), UpdatedAt = now });
    }

    [Function(nameof(DeleteConversation))]
    public async Task<IResult> DeleteConversation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "conversations/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        _ = await conversations.FindAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("conversation");
        await conversations.DeleteAsync(user.UserId, id, cancellationToken);
        return TypedResults.NoContent();
    }

    public static string DefaultTitle(string locale) => locale == "en" ? "New conversation" : "Nouvelle conversation";
}
