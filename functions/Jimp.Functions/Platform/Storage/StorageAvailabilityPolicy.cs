using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Jimp.Functions.Platform.Storage;

/// <summary>
/// Storage did not answer, or answered 5xx, after the SDK's own retries: a dependency down. It is a
/// <see cref="RequestFailedException"/> (status 503), so code that handles storage failures broadly still does;
/// <see cref="Http.Problems"/> answers it with a 503 <c>storage-unavailable</c> problem, never a bare 500.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner)
    : RequestFailedException(503, message, "StorageUnavailable", inner)
{
    /// <summary>True for a failure that means "storage is down" rather than "this request is wrong" (a 4xx).</summary>
    public static bool IsOutage(Exception exception, CancellationToken requestToken) => exception switch
    {
        StorageUnavailableException => true,
        RequestFailedException r => r.Status is 0 or 408 or >= 500,
        IOException or System.Net.Http.HttpRequestException or TimeoutException => true,
        OperationCanceledException => !requestToken.IsCancellationRequested,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(e => IsOutage(e, requestToken)),
        _ => false,
    };
}

/// <summary>
/// Sits outside the SDK's retry policy (per call), so it sees the outcome once retries are spent: a transport
/// failure, a timeout or a 5xx answer becomes a <see cref="StorageUnavailableException"/>. A cancellation asked
/// by the caller stays a cancellation; 4xx answers are left to the client (404, 409, 412 are handled by stores).
/// </summary>
public sealed class StorageAvailabilityPolicy : HttpPipelinePolicy
{
    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception ex) when (StorageUnavailableException.IsOutage(ex, message.CancellationToken) && ex is not StorageUnavailableException)
        {
            throw Unavailable(message, ex);
        }
        ThrowOnServerError(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await ProcessNextAsync(message, pipeline);
        }
        catch (Exception ex) when (StorageUnavailableException.IsOutage(ex, message.CancellationToken) && ex is not StorageUnavailableException)
        {
            throw Unavailable(message, ex);
        }
        ThrowOnServerError(message);
    }

    private static void ThrowOnServerError(HttpMessage message)
    {
        if (message.HasResponse && message.Response.Status >= 500)
        {
            throw new StorageUnavailableException($"Storage answered {message.Response.Status} to {message.Request.Method} after retries.", null);
        }
    }

    private static StorageUnavailableException Unavailable(HttpMessage message, Exception inner) =>
        new($"Storage did not answer {message.Request.Method} ({inner.GetType().Name}) after retries.", inner);
}
