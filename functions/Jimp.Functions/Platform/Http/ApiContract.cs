namespace Jimp.Functions.Platform.Http;

/// <summary>
/// One answer an HTTP function gives: its status, the named record it carries (none for 204, a stream or a file),
/// and the media type. docs/openapi.json is generated from these (tools/OpenApi), the web's types from that
/// document, and the DevHost refuses, with a 500, any answer a function gives that it did not declare: the
/// contract cannot drift from the code without a test failing. Problems (4xx/5xx problem+json) are declared
/// once for every function and need no attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiResponseAttribute(int status, Type? type = null) : Attribute
{
    public int Status { get; } = status;

    /// <summary>
    /// The record of the body; for <c>text/event-stream</c>, the base of the events the stream carries (each concrete
    /// <see cref="IServerSentEvent"/> deriving from it, named by its <c>EventName</c> constant).
    /// </summary>
    public Type? Type { get; } = type;

    public string ContentType { get; init; } = "application/json";

    public string? Description { get; init; }
}

/// <summary>The named record a function reads as its JSON body (with <see cref="RequestJson.ReadJsonAsync{T}"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ApiRequestAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;

    /// <summary>False when the function accepts no body at all as well (e.g. an optional title).</summary>
    public bool Required { get; init; } = true;
}

/// <summary>A body that is a file, not JSON (a CSV import): its media type and what it must hold.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ApiFileRequestAttribute(string contentType, string description) : Attribute
{
    public string ContentType { get; } = contentType;

    public string Description { get; } = description;
}

/// <summary>A query parameter a function reads.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ApiQueryAttribute(string name, string description) : Attribute
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public bool Required { get; init; }

    /// <summary>The allowed values, when there is a fixed list (an enum in the document and in the web's types).</summary>
    public string[]? Values { get; init; }
}

public static class ApiContract
{
    /// <summary>The HttpContext item where <see cref="RequestJson.ReadJsonAsync{T}"/> records the type it read.</summary>
    public static readonly object RequestTypeKey = typeof(ApiRequestAttribute);
}
