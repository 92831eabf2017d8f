using System.Text.Json;
using Jimp.Tests.Privacy;

namespace Jimp.Tests.Support;

/// <summary>
/// The chat stream as docs/openapi.json describes it (the <c>x-events</c> of POST /api/conversations/{id}/messages):
/// every event a test reads through <see cref="Sse"/> is checked against it, so every chat test is also a contract
/// test of the stream (as the DevHost's ContractCheck makes every JSON answer one).
/// </summary>
public static class ChatStreamContract
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Events = new(Load);

    public static IReadOnlyDictionary<string, JsonElement> Schemas => Events.Value;

    private static Dictionary<string, JsonElement> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryFiles.Path("docs", "openapi.json")));
        var root = document.RootElement;
        var events = root.GetProperty("paths").GetProperty("/api/conversations/{id}/messages").GetProperty("post")
            .GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("text/event-stream").GetProperty("x-events");
        var schemas = root.GetProperty("components").GetProperty("schemas");
        return events.EnumerateObject().ToDictionary(
            e => e.Name,
            e => schemas.GetProperty(e.Value.GetProperty("$ref").GetString()!.Split('/')[^1]).Clone(),
            StringComparer.Ordinal);
    }

    /// <summary>Fails when the event is not declared, or its data lacks a required property, has one not declared, or one of another JSON kind.</summary>
    public static void Check(string name, JsonElement data)
    {
        if (!Events.Value.TryGetValue(name, out var schema))
        {
            throw new InvalidOperationException($"The chat stream sent an event \"{name}\" that docs/openapi.json does not declare (x-events).");
        }
        if (data.ValueKind != JsonValueKind.Object) throw new InvalidOperationException($"The data of \"{name}\" is not a JSON object.");
        var properties = schema.TryGetProperty("properties", out var p) ? p : default; // none for an event without data (reset)
        foreach (var property in data.EnumerateObject())
        {
            if (properties.ValueKind != JsonValueKind.Object || !properties.TryGetProperty(property.Name, out var declared))
            {
                throw new InvalidOperationException($"The \"{name}\" event carries \"{property.Name}\", which docs/openapi.json does not declare.");
            }
            if (declared.TryGetProperty("type", out var type) && !Kinds(type).Contains(Kind(property.Value)))
            {
                throw new InvalidOperationException($"The \"{name}\" event's \"{property.Name}\" is {Kind(property.Value)}; docs/openapi.json says {type}.");
            }
        }
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var r in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!data.TryGetProperty(r, out _)) throw new InvalidOperationException($"The \"{name}\" event lacks \"{r}\", which docs/openapi.json requires.");
            }
        }
    }

    private static HashSet<string> Kinds(JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Select(t => t.GetString()!).SelectMany(Widen).ToHashSet(StringComparer.Ordinal)
        : Widen(type.GetString()!).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<string> Widen(string kind) => kind == "number" ? ["number", "integer"] : [kind];

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "array",
        _ => "object",
    };
}
