using System.Reflection;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Jimp.DevHost;

/// <summary>
/// Every answer the DevHost serves for one of JIMP's functions must be one the function declares
/// (<see cref="ApiResponseAttribute"/>, <see cref="ApiRequestAttribute"/>): the status, the record type and the
/// body it read. An undeclared answer is a 500, so any test that calls the function finds the drift between the
/// code and docs/openapi.json. Test probes (other assemblies) and the web app's files (routes outside <c>api/</c>)
/// are not part of the contract.
/// </summary>
internal static class ContractCheck
{
    private static readonly Assembly App = typeof(JimpServiceCollectionExtensions).Assembly;

    public static void RequestRead(FunctionDescriptor function, HttpContext context)
    {
        if (function.Type.Assembly != App || !function.IsApi || !context.Items.TryGetValue(ApiContract.RequestTypeKey, out var read) || read is not Type type) return;
        var declared = function.ApiRequest;
        if (declared != type)
        {
            throw new InvalidOperationException($"{function.Name} read a {type.Name} body but declares {(declared?.Name ?? "no body")} ([ApiRequest]); regenerate docs/openapi.json after fixing it.");
        }
    }

    public static void Response(FunctionDescriptor function, HttpContext context, object? result)
    {
        if (function.Type.Assembly != App || !function.IsApi) return;
        var declared = function.ApiResponses;
        var (status, value, contentType) = result switch
        {
            IFileHttpResult file => (200, null, file.ContentType),
            IStatusCodeHttpResult s => (s.StatusCode ?? 200, (result as IValueHttpResult)?.Value, (result as IContentTypeHttpResult)?.ContentType),
            _ when context.Response.HasStarted => (context.Response.StatusCode, null, context.Response.ContentType),
            _ => (204, null, null),
        };
        var match = declared.FirstOrDefault(d => d.Status == status)
            ?? throw new InvalidOperationException($"{function.Name} answered {status}, which it does not declare ([ApiResponse]).");
        if (value is not null && (match.Type is null || !match.Type.IsInstanceOfType(value)))
        {
            throw new InvalidOperationException($"{function.Name} answered {status} with a {value.GetType().Name}; it declares {(match.Type?.Name ?? "no body")} ([ApiResponse]).");
        }
        if (contentType is { Length: > 0 } && !contentType.StartsWith(match.ContentType, StringComparison.OrdinalIgnoreCase) && match.ContentType != "application/json")
        {
            throw new InvalidOperationException($"{function.Name} answered {contentType}; it declares {match.ContentType} ([ApiResponse]).");
        }
    }
}
