using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jimp.DevHost;
using Jimp.Functions.Platform.Http;

namespace Jimp.Tests.Support;

/// <summary>
/// One HTTP route of the app, read from the DevHost's function catalogue (the same attributes the Functions host and
/// the OpenAPI document read): a new function is in this list, and so in every suite built on it, without anyone
/// adding it. What the authorization matrix knows about it (a path with the owner's ids, a valid body) is used when
/// there; otherwise the path and the body are made from the route template and the request record.
/// </summary>
public sealed record RouteCase(FunctionDescriptor Function, string Method)
{
    public string Name => Function.Name;

    public string Template => "/" + Function.Route.TrimStart('/');

    public EndpointAccess Access => EndpointAccessRules.Of(Function.Method);

    /// <summary>The console's routes need an operator's session (Operators:Addresses), not just any user's.</summary>
    public bool IsConsole => Function.Route.StartsWith("api/console/", StringComparison.Ordinal);

    public ApiRequestAttribute? Body => Function.Method.GetCustomAttribute<ApiRequestAttribute>();

    public IReadOnlyList<ApiQueryAttribute> Queries => Function.Method.GetCustomAttributes<ApiQueryAttribute>().ToList();

    /// <summary>The authorization matrix's row of this function, if it has one.</summary>
    public MatrixCase? Row =>
        AuthorizationMatrix.Cases.GetValueOrDefault(Name) ?? AuthorizationMatrix.ConsoleCases.GetValueOrDefault(Name) ?? AuthorizationMatrix.OperatorCases.GetValueOrDefault(Name);

    /// <summary>Route parameter names of the template (<c>{id}</c>, <c>{messageId}</c>).</summary>
    public IReadOnlyList<string> Parameters =>
        [.. System.Text.RegularExpressions.Regex.Matches(Function.Route, @"\{\**([^}:?*]+)[^}]*\}").Select(m => m.Groups[1].Value)];

    /// <summary>A path that reaches the function: the matrix's (with the owner's ids) or the template with unknown ids.</summary>
    public string SamplePath(IReadOnlyDictionary<string, string>? ids = null)
    {
        if (Row is { } row && string.Equals(row.Method, Method, StringComparison.OrdinalIgnoreCase))
        {
            return AuthorizationMatrix.Fill(row.Path, ids ?? UnknownIds);
        }
        var path = Template;
        foreach (var name in Parameters) path = System.Text.RegularExpressions.Regex.Replace(path, @"\{\**" + name + @"[^}]*\}", "unknown-" + name);
        return path;
    }

    /// <summary>The path with one route value replaced by <paramref name="value"/> (escaped as a path segment).</summary>
    public string PathWith(string parameter, string value)
    {
        var path = Template;
        foreach (var name in Parameters)
        {
            var replacement = name == parameter ? Uri.EscapeDataString(value) : "unknown-" + name;
            path = System.Text.RegularExpressions.Regex.Replace(path, @"\{\**" + name + @"[^}]*\}", replacement.Replace("$", "$$", StringComparison.Ordinal));
        }
        return path;
    }

    /// <summary>A body the function accepts (the matrix's, a known public one, or one made from the request record), or null.</summary>
    public object? SampleBody(UserClient? owner)
    {
        if (Row is { } row && owner is not null && row.BodyFor(owner) is { } fromRow) return fromRow;
        if (Row?.Body is { } fixedBody and not Delegate) return fixedBody;
        if (PublicBodies.TryGetValue(Name, out var make)) return make();
        return Body is { } body ? RouteCatalogue.ValidJson(body.Type) : null;
    }

    /// <summary>The sample body as a JSON object (null when the body is not JSON, e.g. a CSV upload).</summary>
    public JsonObject? SampleJson(UserClient? owner) =>
        SampleBody(owner) switch
        {
            null or HttpContent => Body is { } b ? RouteCatalogue.ValidJson(b.Type) : null,
            JsonObject o => o,
            var other => JsonSerializer.SerializeToNode(other, RequestJson.Options) as JsonObject,
        };

    public override string ToString() => $"{Method} {Template} ({Name})";

    private static readonly IReadOnlyDictionary<string, string> UnknownIds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["conversationId"] = "0000000000000000000000000", ["failedMessageId"] = "0000000000000000000", ["exportId"] = "unknown",
        ["productId"] = "unknown", ["videoId"] = "unknown", ["planWeek"] = "2026-W48",
    };

    private static readonly Dictionary<string, Func<object>> PublicBodies = new(StringComparer.Ordinal)
    {
        ["RequestSignInLink"] = () => Users.LinkBody(Users.NewEmail("route")),
        ["VerifySignInLink"] = () => new { token = new string('A', 43) },
    };
}

public static class RouteCatalogue
{
    /// <summary>Every HTTP route of the app, one case per method, in a stable order.</summary>
    public static IReadOnlyList<RouteCase> All { get; } =
        [.. FunctionCatalog.Jimp.Where(f => f.Kind == TriggerKind.Http)
            .SelectMany(f => f.HttpMethods.Select(m => new RouteCase(f, m)))
            .OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];

    /// <summary>A JSON object with a plausible value for every property of a request record.</summary>
    public static JsonObject ValidJson(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var json = new JsonObject();
        foreach (var property in JsonProperties(type))
        {
            json[property.Name] = SampleValue(property.Type, property.Info);
        }
        return json;
    }

    public sealed record JsonProperty(string Name, Type Type, PropertyInfo Info);

    /// <summary>The record's properties as they appear in JSON (camelCase).</summary>
    public static IReadOnlyList<JsonProperty> JsonProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => new JsonProperty(JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.PropertyType, p))];

    private static JsonNode? SampleValue(Type type, PropertyInfo property)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string))
        {
            var length = property.GetCustomAttribute<StringLengthAttribute>() is { MinimumLength: > 1 } s ? s.MinimumLength : 1;
            return new string('a', Math.Max(length, 3));
        }
        if (t == typeof(bool)) return true;
        if (t == typeof(int) || t == typeof(long) || t == typeof(short)) return 1;
        if (t == typeof(double) || t == typeof(decimal) || t == typeof(float)) return 1.5;
        if (t == typeof(DateOnly)) return "2026-11-20";
        if (t == typeof(DateTimeOffset) || t == typeof(DateTime)) return "2026-11-27T10:00:00Z";
        if (t.IsEnum) return Enum.GetNames(t).FirstOrDefault();
        if (t.IsArray || (t.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(t))) return new JsonArray();
        return new JsonObject();
    }
}
