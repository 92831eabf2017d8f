using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Platform.Http;

/// <summary>Who may call an HTTP function. Declared once, by attributes; never checked by hand in a function.</summary>
public enum EndpointAccess
{
    /// <summary>The default: a signed-in user (the session cookie). Anything else answers 401.</summary>
    SignedIn,

    /// <summary>Marked <see cref="PublicEndpointAttribute"/>: no session needed, for a stated reason.</summary>
    Public,

    /// <summary>An <c>AuthorizationLevel.Function</c> trigger: the host checks the function key.</summary>
    FunctionKey,
}

public static class EndpointAccessRules
{
    private static readonly ConcurrentDictionary<MethodInfo, EndpointAccess> Cache = new();

    /// <summary>Deny by default: every HTTP function needs a signed-in user unless it opts out by name.</summary>
    public static EndpointAccess Of(MethodInfo function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Cache.GetOrAdd(function, static m =>
        {
            if (m.GetCustomAttribute<PublicEndpointAttribute>() is not null) return EndpointAccess.Public;
            var trigger = m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            return trigger is { AuthLevel: not AuthorizationLevel.Anonymous } ? EndpointAccess.FunctionKey : EndpointAccess.SignedIn;
        });
    }

    /// <summary>The HTTP functions of an assembly by function name (the worker names a function, not its method).</summary>
    public static IReadOnlyDictionary<string, MethodInfo> HttpFunctions(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null
                        && m.GetParameters().Any(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null))
            .ToDictionary(m => m.GetCustomAttribute<FunctionAttribute>()!.Name, StringComparer.Ordinal);
    }

    /// <summary>The API: the HTTP functions whose route is under <c>api/</c> (docs/openapi.json). The web app's files are not part of it.</summary>
    public static IReadOnlyDictionary<string, MethodInfo> ApiFunctions(Assembly assembly) =>
        HttpFunctions(assembly).Where(f => IsApi(f.Value)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    /// <summary>Whether the function's route is under <c>api/</c> (host.json's routePrefix is empty).</summary>
    public static bool IsApi(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var route = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)?.Route;
        return route is not null && route.StartsWith("api/", StringComparison.Ordinal);
    }
}
