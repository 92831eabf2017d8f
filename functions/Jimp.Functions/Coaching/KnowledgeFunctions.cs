using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Coaching;

/// <summary>One language's text of a playbook as the knowledge page shows it.</summary>
public sealed record PlaybookTextView(
    string Title,
    string Summary,
    IReadOnlyList<string> Steps,
    IReadOnlyList<string> Examples,
    IReadOnlyList<string> Tips,
    string Script,
    string Beginner,
    string Advanced);

/// <summary>A playbook in both languages: what a citation chip of the chat opens.</summary>
public sealed record PlaybookView(string Id, string Topic, IReadOnlyList<string> Niches, IReadOnlyList<string> Levels, PlaybookTextView Fr, PlaybookTextView En);

/// <summary>A playbook's title and summary in one language, for the index.</summary>
public sealed record PlaybookHeadline(string Title, string Summary);

public sealed record PlaybookSummary(string Id, string Topic, IReadOnlyList<string> Niches, PlaybookHeadline Fr, PlaybookHeadline En);

/// <summary>Every playbook, in the knowledge base's order (grouped by topic by the web app).</summary>
public sealed record PlaybookList(IReadOnlyList<PlaybookSummary> Items);

/// <summary>
/// The knowledge base the coach cites, for signed-in creators (JIMP's know-how is the product, so it is not public):
/// nothing personal, no storage request beyond the session check.
/// </summary>
public sealed class KnowledgeFunctions(KnowledgeBase knowledge)
{
    [Function(nameof(ListPlaybooks))]
    [ApiResponse(200, typeof(PlaybookList))]
    public IResult ListPlaybooks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "knowledge")] HttpRequest request)
    {
        _ = request.SignedInUser();
        return TypedResults.Ok(new PlaybookList(knowledge.Entries
            .Select(e => new PlaybookSummary(e.Id, e.Topic, e.Niches, new(e.Fr.Title, e.Fr.Summary), new(e.En.Title, e.En.Summary)))
            .ToList()));
    }

    [Function(nameof(GetPlaybook))]
    [ApiResponse(200, typeof(PlaybookView))]
    public IResult GetPlaybook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "knowledge/{id}")] HttpRequest request, string id)
    {
        var user = request.SignedInUser();
        var entry = knowledge.Find(id)
            ?? throw new ProblemException(404, ChatService.IsFrench(user.Locale) ? "Fiche introuvable." : "Not found.",
                ChatService.IsFrench(user.Locale) ? "Aucune fiche conseil ne porte cet identifiant." : "No playbook has that id.") { Code = "not-found" };
        return TypedResults.Ok(new PlaybookView(entry.Id, entry.Topic, entry.Niches, entry.Levels, View(entry.Fr), View(entry.En)));
    }

    private static PlaybookTextView View(PlaybookContent c) => new(c.Title, c.Summary, c.Steps, c.Examples, c.Tips, c.Script, c.Beginner, c.Advanced);
}
