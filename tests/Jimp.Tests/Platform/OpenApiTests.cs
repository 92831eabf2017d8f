using System.Reflection;
using System.Text.Json;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Jimp.OpenApi;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Tests.Platform;

/// <summary>docs/openapi.json is derived from the code, and the web's types from it: a drift fails here (and in npm run build:web).</summary>
public sealed class OpenApiTests
{
    [Fact]
    public void The_document_is_current()
    {
        var expected = OpenApiRenderer.RenderCurrent();
        var path = RepositoryFiles.Path("docs", "openapi.json");
        Assert.True(File.Exists(path), $"docs/openapi.json is missing: run {OpenApiRenderer.Script} and commit the result.");
        var actual = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (actual == expected) return;
        var want = expected.Split('\n');
        var have = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Max(want.Length, have.Length)).First(i => i >= want.Length || i >= have.Length || want[i] != have[i]);
        Assert.Fail($"docs/openapi.json is out of date: run {OpenApiRenderer.Script} and commit the result. " +
            $"First difference at line {line + 1}: expected \"{(line < want.Length ? want[line] : "<end>")}\", found \"{(line < have.Length ? have[line] : "<end>")}\".");
    }

    [Fact]
    public void Csv_bodies_are_in_the_document_with_their_columns()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("docs", "openapi.json")));
        var paths = document.RootElement.GetProperty("paths");

        // The import reads a text/csv body: the document says so and names every column.
        var import = paths.GetProperty("/api/me/videos/import").GetProperty("post").GetProperty("requestBody");
        Assert.True(import.GetProperty("content").TryGetProperty("text/csv", out _), "the CSV import's body is not described as text/csv");
        Assert.All(Jimp.Functions.Workspace.VideoCsv.TemplateColumns, c => Assert.Contains(c, import.GetProperty("description").GetString(), StringComparison.Ordinal));

        // Every CSV answer says what it holds; the breach register names its columns.
        var csvAnswers = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Op: o.Value)))
            .SelectMany(x => x.Op.GetProperty("responses").EnumerateObject().Where(r => r.Value.TryGetProperty("content", out var c) && c.TryGetProperty("text/csv", out _))
                .Select(r => (x.Path, Description: r.Value.GetProperty("description").GetString()!)))
            .ToList();
        Assert.Contains(csvAnswers, a => a.Path == "/api/workspace/template.csv");
        Assert.All(csvAnswers, a => Assert.True(a.Description.Length > 20, $"{a.Path}: the CSV answer is not described"));
        var breaches = csvAnswers.Single(a => a.Path == "/api/console/breaches.csv").Description;
        Assert.All(Jimp.Functions.Operators.BreachRegister.CsvHeader.Split(','), c => Assert.Contains(c, breaches, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_http_function_is_in_the_document_with_its_access()
    {
        using var document = JsonDocument.Parse(OpenApiRenderer.RenderCurrent());
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject())
            .ToDictionary(o => o.Value.GetProperty("operationId").GetString()!, o => o.Value, StringComparer.Ordinal);
        foreach (var (name, method) in EndpointAccessRules.ApiFunctions(typeof(JimpServiceCollectionExtensions).Assembly))
        {
            Assert.True(operations.TryGetValue(name, out var operation), $"{name} is missing from the document");
            var access = EndpointAccessRules.Of(method);
            // Deny by default shows in the document too: only public functions clear the session requirement.
            Assert.Equal(access == EndpointAccess.Public, operation.TryGetProperty("security", out var security) && security.GetArrayLength() == 0);
        }
        Assert.Equal("session", document.RootElement.GetProperty("security")[0].EnumerateObject().Single().Name);
    }

    [Fact]
    public void Every_http_function_declares_its_answers_with_named_records()
    {
        var missing = EndpointAccessRules.ApiFunctions(typeof(JimpServiceCollectionExtensions).Assembly)
            .Where(f => !f.Value.GetCustomAttributes<ApiResponseAttribute>().Any())
            .Select(f => f.Key)
            .ToList();
        Assert.True(missing.Count == 0, "HTTP functions that declare no [ApiResponse]: " + string.Join(", ", missing));
    }

    [Fact]
    public void A_nullable_property_of_an_answer_is_required_and_may_be_null()
    {
        using var document = JsonDocument.Parse(OpenApiRenderer.RenderCurrent());
        var conversation = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("ConversationPage");
        Assert.Contains("next", conversation.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var next = conversation.GetProperty("properties").GetProperty("next").GetProperty("type");
        Assert.Contains("null", next.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void The_web_types_are_generated_from_the_committed_document()
    {
        var types = File.ReadAllText(RepositoryFiles.Path("web", "src", "api-types.ts"));
        Assert.Contains("This file was auto-generated by openapi-typescript", types, StringComparison.Ordinal);
        var package = File.ReadAllText(RepositoryFiles.Path("web", "package.json"));
        Assert.Contains("openapi-typescript ../docs/openapi.json -o src/api-types.ts --check", package, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chat_stream_declares_every_event_with_the_schema_of_its_data()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("docs", "openapi.json")));
        var names = OpenApiRenderer.EventsOf(typeof(ChatEvent)).Select(e => e.Name).ToList();
        Assert.Equal(["delta", "done", "error", "reset", "start"], names);
        foreach (var path in new[] { "/api/conversations/{id}/messages", "/api/conversations/{id}/messages/{messageId}/retry" })
        {
            var answer = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("responses").GetProperty("200");
            var events = answer.GetProperty("content").GetProperty("text/event-stream").GetProperty("x-events");
            Assert.Equal(names, events.EnumerateObject().Select(e => e.Name));
            Assert.All(names, n => Assert.Contains(n, answer.GetProperty("description").GetString(), StringComparison.Ordinal));
        }

        // Each event, serialized as EventStream writes it, is what its schema says; a sample per event, so a new event needs one.
        var source = new SourceRef("playbook", "hooks", "Hooks");
        ChatEvent[] samples =
        [
            new ChatStartEvent("m1", "offline"),
            new ChatDeltaEvent("Bonjour"),
            new ChatResetEvent(),
            new ChatDoneEvent("m1", "m1-a", "offline", "completed", new ChatUsage(0, 0), null, [source], false, null),
            new ChatErrorEvent(503, "t", "d", "turn-failed", "m1"),
            ChatBudget.ModelBusyEvent(30, "m1", french: true),
        ];
        Assert.Equal(names, samples.Select(s => s.Name).Distinct().Order(StringComparer.Ordinal));
        foreach (var sample in samples)
        {
            using var data = JsonDocument.Parse(JsonSerializer.Serialize<object>(sample, RequestJson.Options));
            Assert.False(data.RootElement.TryGetProperty("name", out _), "the event's name went into its data");
            ChatStreamContract.Check(sample.Name, data.RootElement);
        }
        Assert.False(JsonDocument.Parse(JsonSerializer.Serialize<object>(samples[4], RequestJson.Options)).RootElement.TryGetProperty("retryAfter", out _));

        // And the check can fail: an undeclared property, a missing one, an unknown event, another kind.
        Assert.Throws<InvalidOperationException>(() => ChatStreamContract.Check("delta", JsonDocument.Parse("""{"text":"a","extra":1}""").RootElement));
        Assert.Throws<InvalidOperationException>(() => ChatStreamContract.Check("start", JsonDocument.Parse("""{"mode":"offline"}""").RootElement));
        Assert.Throws<InvalidOperationException>(() => ChatStreamContract.Check("meta", JsonDocument.Parse("{}").RootElement));
        Assert.Throws<InvalidOperationException>(() => ChatStreamContract.Check("delta", JsonDocument.Parse("""{"text":3}""").RootElement));
    }
}
