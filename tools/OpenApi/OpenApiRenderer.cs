using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.OpenApi;

/// <summary>
/// Derives docs/openapi.json (OpenAPI 3.1) from the code: every HTTP function's route and methods
/// (<c>[HttpTrigger]</c>), who may call it (<see cref="EndpointAccessRules"/>: a session by default), its body
/// (<see cref="ApiRequestAttribute"/>), its answers (<see cref="ApiResponseAttribute"/>) and the JSON Schema of
/// each named record, as System.Text.Json serializes it (camelCase, nullability from the annotations). The
/// output is deterministic; <c>OpenApiTests.The_document_is_current</c> compares it with the committed file.
/// </summary>
public static partial class OpenApiRenderer
{
    public const string Script = "scripts/openapi.sh";

    private static readonly JsonSerializerOptions Serializer = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        // The app reads numbers given as strings too (JsonSerializerDefaults.Web), but it writes numbers, and clients send them.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static string RenderCurrent() => Render(typeof(JimpServiceCollectionExtensions).Assembly);

    public static string Render(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var pending = new Queue<(Type Type, bool Request)>();
        var seen = new Dictionary<Type, string>();
        string Ref(Type type, bool request)
        {
            if (!seen.TryGetValue(type, out var name))
            {
                name = SchemaName(type);
                if (seen.ContainsValue(name)) throw new InvalidOperationException($"Two contract types are both named {name}: rename one.");
                seen[type] = name;
                pending.Enqueue((type, request));
            }
            return "#/components/schemas/" + name;
        }

        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (name, method) in EndpointAccessRules.ApiFunctions(assembly).OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).First(a => a is not null)!;
            var route = "/" + (trigger.Route ?? name).TrimStart('/');
            var pathParameters = RouteParameter().Matches(route).Select(m => (Name: m.Groups[1].Value, Type: m.Groups[2].Value)).ToList();
            var path = RouteParameter().Replace(route, m => "{" + m.Groups[1].Value + "}");
            var item = paths.TryGetValue(path, out var existing) ? existing : paths[path] = [];
            foreach (var verb in (trigger.Methods ?? ["get"]).Select(m => m.ToLowerInvariant()))
            {
                item[verb] = Operation(name, method, pathParameters, Ref);
            }
        }

        while (pending.TryDequeue(out var next))
        {
            schemas[seen[next.Type]] = Schema(next.Type, next.Request, Ref);
        }
        schemas["Problem"] = ProblemSchema();

        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "JIMP API",
                ["version"] = "1",
                ["description"] = "Generated from the function classes by tools/OpenApi (scripts/openapi.sh); do not edit. docs/api.md says what a schema cannot.",
            },
            ["security"] = new JsonArray(new JsonObject { ["session"] = new JsonArray() }),
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["session"] = new JsonObject { ["type"] = "apiKey", ["in"] = "cookie", ["name"] = "jimp_session", ["description"] = "The session cookie set by POST /api/auth/verify. State-changing calls must also come from the app's Origin (or carry X-Requested-With: jimp)." },
                    ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key" },
                },
                ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
            },
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static JsonObject Operation(string name, MethodInfo method, List<(string Name, string Type)> pathParameters, Func<Type, bool, string> refOf)
    {
        var operation = new JsonObject
        {
            ["operationId"] = name,
            ["tags"] = new JsonArray(method.DeclaringType!.Namespace!.Split('.')[^1]),
        };
        switch (EndpointAccessRules.Of(method))
        {
            case EndpointAccess.Public:
                operation["description"] = "Public: " + method.GetCustomAttribute<PublicEndpointAttribute>()!.Reason;
                operation["security"] = new JsonArray();
                break;
            case EndpointAccess.FunctionKey:
                operation["security"] = new JsonArray(new JsonObject { ["functionKey"] = new JsonArray() });
                break;
        }
        var parameters = new JsonArray();
        foreach (var (parameter, type) in pathParameters)
        {
            parameters.Add(new JsonObject
            {
                ["name"] = parameter,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = type == "int" ? "integer" : "string" },
            });
        }
        foreach (var query in method.GetCustomAttributes<ApiQueryAttribute>().OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            parameters.Add(new JsonObject
            {
                ["name"] = query.Name,
                ["in"] = "query",
                ["required"] = query.Required,
                ["description"] = query.Description,
                ["schema"] = query.Values is { Length: > 0 } values
                    ? new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(values.Select(v => (JsonNode?)v).ToArray()) }
                    : new JsonObject { ["type"] = "string" },
            });
        }
        if (parameters.Count > 0) operation["parameters"] = parameters;
        if (method.GetCustomAttribute<ApiRequestAttribute>() is { } body)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = body.Required,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = refOf(body.Type, true) } } },
            };
        }
        else if (method.GetCustomAttribute<ApiFileRequestAttribute>() is { } file)
        {
            operation["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["description"] = file.Description,
                ["content"] = new JsonObject { [file.ContentType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } },
            };
        }
        var responses = new JsonObject();
        var declared = method.GetCustomAttributes<ApiResponseAttribute>().OrderBy(r => r.Status).ToList();
        if (declared.Count == 0) throw new InvalidOperationException($"{name} declares no answer: add [ApiResponse(status, typeof(Record))].");
        foreach (var response in declared)
        {
            var entry = new JsonObject { ["description"] = response.Description ?? Reason(response.Status) };
            if (response.ContentType == EventStreamMediaType)
            {
                entry["description"] = EventsDescription(response, refOf, out var events);
                entry["content"] = new JsonObject { [EventStreamMediaType] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" }, [EventsExtension] = events } };
            }
            else if (response.Type is not null || response.ContentType != "application/json")
            {
                var schema = response.Type is not null
                    ? new JsonObject { ["$ref"] = refOf(response.Type, false) }
                    : response.ContentType == Problems.ContentType ? new JsonObject { ["$ref"] = "#/components/schemas/Problem" }
                    : new JsonObject { ["type"] = "string", ["format"] = response.ContentType == "application/zip" ? "binary" : null };
                if (schema["format"] is null) schema.Remove("format");
                entry["content"] = new JsonObject { [response.ContentType] = new JsonObject { ["schema"] = schema } };
            }
            responses[response.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = entry;
        }
        responses["default"] = new JsonObject
        {
            ["description"] = "A problem (4xx: what is wrong; 503: a dependency is down; 500: a trace id).",
            ["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Problem" } } },
        };
        operation["responses"] = responses;
        return operation;
    }

    public const string EventStreamMediaType = "text/event-stream";

    /// <summary>The media type's extension naming each event of a stream (the <c>event:</c> line) with the schema of its <c>data:</c>.</summary>
    public const string EventsExtension = "x-events";

    /// <summary>The events of a stream: every concrete type deriving from the declared base, by its <c>EventName</c>.</summary>
    public static IReadOnlyList<(string Name, Type Type)> EventsOf(Type baseType)
    {
        ArgumentNullException.ThrowIfNull(baseType);
        return baseType.Assembly.GetTypes()
            .Where(t => !t.IsAbstract && baseType.IsAssignableFrom(t) && typeof(IServerSentEvent).IsAssignableFrom(t))
            .Select(t => (Name: t.GetField("EventName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
                ?? throw new InvalidOperationException($"{t.Name} has no public const string EventName."), Type: t))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string EventsDescription(ApiResponseAttribute response, Func<Type, bool, string> refOf, out JsonObject events)
    {
        var baseType = response.Type ?? throw new InvalidOperationException($"A {EventStreamMediaType} answer names the base of its events: [ApiResponse(200, typeof(BaseEvent), ContentType = \"{EventStreamMediaType}\")].");
        var list = EventsOf(baseType);
        if (list.Count == 0) throw new InvalidOperationException($"No event derives from {baseType.Name}.");
        events = new JsonObject(list.Select(e => KeyValuePair.Create(e.Name, (JsonNode?)new JsonObject { ["$ref"] = refOf(e.Type, false) })));
        return (response.Description ?? Reason(response.Status)) + " Server-sent events; each event's data is the JSON of its schema ("
            + EventsExtension + "): " + string.Join(", ", list.Select(e => $"{e.Name} → {SchemaName(e.Type)}")) + ". Framing: docs/api.md.";
    }

    private static JsonNode Schema(Type type, bool request, Func<Type, bool, string> refOf)
    {
        var options = new JsonSchemaExporterOptions
        {
            // Nullability comes from the annotations (RespectNullableAnnotations); what has none (a list's elements,
            // the record itself) is not null.
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, schema) =>
            {
                var t = context.TypeInfo.Type;
                if (context.Path.Length > 0 && IsNamed(t))
                {
                    var reference = new JsonObject { ["$ref"] = refOf(t, request) };
                    var nullable = schema is JsonObject o && o["type"] is JsonArray kinds && kinds.Any(k => k?.GetValue<string>() == "null");
                    return nullable ? new JsonObject { ["anyOf"] = new JsonArray(reference, new JsonObject { ["type"] = "null" }) } : reference;
                }
                if (schema is not JsonObject node) return schema;
                if (context.PropertyInfo?.AttributeProvider is { } attributes)
                {
                    foreach (var a in attributes.GetCustomAttributes(inherit: true))
                    {
                        switch (a)
                        {
                            case StringLengthAttribute s:
                                if (s.MinimumLength > 0) node["minLength"] = s.MinimumLength;
                                node["maxLength"] = s.MaximumLength;
                                break;
                            case RangeAttribute { Minimum: int min, Maximum: int max }:
                                node["minimum"] = min;
                                node["maximum"] = max;
                                break;
                        }
                    }
                }
                if (context.PropertyInfo is null && context.TypeInfo.Kind == JsonTypeInfoKind.Object && node["properties"] is JsonObject properties)
                {
                    if (request)
                    {
                        // A body cannot set a computed property: leave it out of what the client may send.
                        foreach (var readOnly in context.TypeInfo.Properties.Where(p => p.Set is null).Select(p => p.Name).ToList())
                        {
                            properties.Remove(readOnly);
                        }
                    }
                    // An answer always carries every property (null where there is none); a body needs what it validates as required.
                    var required = context.TypeInfo.Properties
                        .Where(p => !request || p.IsRequired || p.AttributeProvider?.GetCustomAttributes(typeof(RequiredAttribute), inherit: true).Length > 0)
                        // Left out when null ([JsonIgnore(Condition = WhenWritingNull)]): present only when there is a value.
                        .Where(p => p.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: true)
                            .Cast<System.Text.Json.Serialization.JsonIgnoreAttribute>().Any(i => i.Condition != System.Text.Json.Serialization.JsonIgnoreCondition.Never) != true)
                        .Select(p => p.Name)
                        .Where(properties.ContainsKey)
                        .Order(StringComparer.Ordinal)
                        .Select(n => (JsonNode?)n)
                        .ToArray();
                    node.Remove("required");
                    if (required.Length > 0) node["required"] = new JsonArray(required);
                    if (!request) node["additionalProperties"] = false;
                }
                return node;
            },
        };
        return JsonSchemaExporter.GetJsonSchemaAsNode(Serializer, type, options);
    }

    /// <summary>A record of the app (not a string, a number, a date or a collection): it gets a schema of its own.</summary>
    private static bool IsNamed(Type type) =>
        type.Namespace?.StartsWith("Jimp.", StringComparison.Ordinal) == true && !type.IsEnum && (type.IsClass || type.IsValueType && !type.IsPrimitive);

    private static string SchemaName(Type type) => type.Name;

    private static JsonObject ProblemSchema() => new()
    {
        ["type"] = "object",
        ["description"] = "RFC 9457 problem details; code is a stable string the web app maps to a message in the user's language.",
        ["properties"] = new JsonObject
        {
            ["type"] = new JsonObject { ["type"] = "string" },
            ["title"] = new JsonObject { ["type"] = "string" },
            ["status"] = new JsonObject { ["type"] = "integer" },
            ["detail"] = new JsonObject { ["type"] = "string" },
            ["instance"] = new JsonObject { ["type"] = "string" },
            ["traceId"] = new JsonObject { ["type"] = "string" },
            ["code"] = new JsonObject { ["type"] = "string" },
            ["errors"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } } },
        },
        ["required"] = new JsonArray("type", "title", "status"),
    };

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No content",
        503 => "A dependency is down",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"\{([A-Za-z]+)(?::([a-z]+))?\}")]
    private static partial Regex RouteParameter();
}
