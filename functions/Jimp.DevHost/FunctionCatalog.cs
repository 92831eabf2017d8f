using System.Reflection;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.DevHost;

public enum TriggerKind
{
    Http,
    Timer,
    Orchestration,
    Activity,
}

/// <summary>
/// One <c>[Function]</c> of the app, read from its attributes exactly as the Functions host reads them. The attributes
/// are read once, when the catalogue is built: every request used to read them again (reflection instantiates an
/// attribute on each read).
/// </summary>
public sealed record FunctionDescriptor(string Name, Type Type, MethodInfo Method, TriggerKind Kind, ParameterInfo Trigger)
{
    public HttpTriggerAttribute? Http { get; } = Trigger.GetCustomAttribute<HttpTriggerAttribute>();

    public TimerTriggerAttribute? Timer { get; } = Trigger.GetCustomAttribute<TimerTriggerAttribute>();

    /// <summary>The route from the site's root (host.json's routePrefix is empty); the function name when the attribute gives none (as the host does).</summary>
    public string Route => Http?.Route ?? Name;

    /// <summary>Upper-case HTTP methods; all of them when the attribute lists none (as the host does).</summary>
    public IReadOnlyList<string> HttpMethods =>
        Http?.Methods is { Length: > 0 } methods
            ? methods.Select(m => m.ToUpperInvariant()).ToArray()
            : ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public bool IsPublic { get; } = Method.GetCustomAttribute<PublicEndpointAttribute>() is not null;

    /// <summary>Whether the function is part of the API (its route under <c>api/</c>: docs/openapi.json).</summary>
    public bool IsApi { get; } = Kind == TriggerKind.Http && EndpointAccessRules.IsApi(Method);

    /// <summary>The request body the function declares (<see cref="ApiRequestAttribute"/>), if any.</summary>
    public Type? ApiRequest { get; } = Method.GetCustomAttribute<ApiRequestAttribute>()?.Type;

    /// <summary>The answers the function declares (<see cref="ApiResponseAttribute"/>).</summary>
    public IReadOnlyList<ApiResponseAttribute> ApiResponses { get; } = [.. Method.GetCustomAttributes<ApiResponseAttribute>()];
}

public static class FunctionCatalog
{
    /// <summary>Every function of the JIMP app.</summary>
    public static IReadOnlyList<FunctionDescriptor> Jimp { get; } = Discover(typeof(JimpServiceCollectionExtensions).Assembly);

    public static IReadOnlyList<FunctionDescriptor> Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var functions = new List<FunctionDescriptor>();
        foreach (var type in assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract || t.IsAbstract && t.IsSealed))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is null) continue;
                var (kind, trigger) = FindTrigger(method);
                functions.Add(new FunctionDescriptor(function.Name, type, method, kind, trigger));
            }
        }
        var duplicates = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException($"Function names must be unique: {string.Join(", ", duplicates)}");
        }
        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToArray();
    }

    private static (TriggerKind, ParameterInfo) FindTrigger(MethodInfo method)
    {
        foreach (var p in method.GetParameters())
        {
            if (p.GetCustomAttribute<HttpTriggerAttribute>() is not null) return (TriggerKind.Http, p);
            if (p.GetCustomAttribute<TimerTriggerAttribute>() is not null) return (TriggerKind.Timer, p);
            if (p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null) return (TriggerKind.Orchestration, p);
            if (p.GetCustomAttribute<ActivityTriggerAttribute>() is not null) return (TriggerKind.Activity, p);
        }
        throw new InvalidOperationException($"{method.DeclaringType?.Name}.{method.Name} has [Function] but no trigger the DevHost knows.");
    }
}
