using System.ComponentModel;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Jimp.DevHost;

/// <summary>Maps every <c>[HttpTrigger]</c> of the app at its route (host.json's routePrefix is empty: API routes start with <c>api/</c>), with its methods and auth level.</summary>
internal static class HttpFunctionEndpoints
{
    public static void MapHttpFunctions(this WebApplication app, IEnumerable<FunctionDescriptor> functions)
    {
        foreach (var function in functions.Where(f => f.Kind == TriggerKind.Http))
        {
            app.MapMethods("/" + function.Route.TrimStart('/'), function.HttpMethods, context => InvokeAsync(function, context))
                .WithDisplayName(function.Name)
                .WithMetadata(function);
        }
        // Anything else under /api/ is an unknown route: a problem, like every other error.
        app.Map("/api/{**rest}", context =>
            throw new ProblemException(404, "Not found.", "No API route matches this path.") { Code = "no-route" });
    }

    private static async Task InvokeAsync(FunctionDescriptor function, HttpContext context)
    {
        if (function.Http!.AuthLevel is not AuthorizationLevel.Anonymous && !HasFunctionKey(context))
        {
            throw new ProblemException(401, "Function key required.", "This operator function needs its key in the x-functions-key header.") { Code = "function-key" };
        }
        // Deny by default, as the worker's authentication middleware does: a session unless public or key-protected.
        await AuthenticationMiddleware.AuthenticateAsync(context, EndpointAccessRules.Of(function.Method), context.RequestServices.GetRequiredService<SessionAuth>(), context.RequestAborted);
        var durableClient = new Lazy<DurableTaskClient>(() => context.RequestServices.GetRequiredService<DurableTaskClient>());
        var result = await FunctionInvoker.InvokeAsync(function, context.RequestServices, (ParameterInfo p, out object? value) =>
        {
            value = null;
            if (p.ParameterType == typeof(HttpRequest)) value = context.Request;
            else if (p.ParameterType == typeof(HttpContext)) value = context;
            else if (p.ParameterType == typeof(CancellationToken)) value = context.RequestAborted;
            else if (p.ParameterType == typeof(FunctionContext)) value = new DevFunctionContext(function, context.RequestServices, context.RequestAborted);
            else if (p.GetCustomAttribute<DurableClientAttribute>() is not null) value = durableClient.Value;
            else if (p.Name is { } name && context.Request.RouteValues.TryGetValue(name, out var raw)) value = ConvertRouteValue(raw, p.ParameterType);
            else return false;
            return true;
        });
        ContractCheck.RequestRead(function, context);
        ContractCheck.Response(function, context, result);
        switch (result)
        {
            case IResult typed:
                await typed.ExecuteAsync(context);
                break;
            case null when context.Response.HasStarted:
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                throw new InvalidOperationException($"{function.Name} returned {result.GetType().Name}; JIMP functions return IResult.");
        }
    }

    private static object? ConvertRouteValue(object? raw, Type type)
    {
        if (raw is null || type == typeof(string)) return raw?.ToString();
        try
        {
            return TypeDescriptor.GetConverter(type).ConvertFromInvariantString(raw.ToString()!);
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException)
        {
            throw new ProblemException(404, "Not found.", "No resource matches this path.") { Code = "not-found" };
        }
    }

    private static bool HasFunctionKey(HttpContext context)
    {
        var expected = context.RequestServices.GetRequiredService<IOptions<DevHostOptions>>().Value.FunctionKey;
        string? given = context.Request.Headers["x-functions-key"];
        given ??= context.Request.Query["code"];
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
    }
}
