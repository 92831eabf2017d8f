using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Platform.Http;

/// <summary>An event a service yields for a stream: its SSE name, and itself as the data.</summary>
public interface IServerSentEvent
{
    string Name { get; }
}

/// <summary>
/// The one writer of server-sent events (<c>text/event-stream</c>) for every streaming endpoint: the headers that keep
/// proxies from buffering, one <c>event:</c>/<c>data:</c> frame per event (JSON, the API's casing), a flush per event.
/// Once the client is gone, writes are dropped and the caller's work goes on (a chat answer is still stored).
/// </summary>
public sealed class EventStream(HttpResponse response)
{
    private bool clientGone;

    /// <summary>
    /// Streams what a service yields. The first event is asked for before the response starts, so a problem the
    /// service throws before it (a refused request) is still answered as problem+json; every event is then written,
    /// and the service's events are read to the end even after the client went away.
    /// </summary>
    public static async Task WriteAsync<TEvent>(HttpResponse response, IAsyncEnumerable<TEvent> events, CancellationToken cancellationToken)
        where TEvent : IServerSentEvent
    {
        ArgumentNullException.ThrowIfNull(events);
        await using var next = events.GetAsyncEnumerator(cancellationToken);
        var any = await next.MoveNextAsync();
        var stream = new EventStream(response);
        await stream.StartAsync(cancellationToken);
        while (any)
        {
            await stream.SendAsync(next.Current.Name, next.Current);
            any = await next.MoveNextAsync();
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream"; // exactly: what a proxy recognises and streams (the data is UTF-8 by the SSE standard)
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);
    }

    public async Task SendAsync(string name, object data)
    {
        if (clientGone) return;
        try
        {
            await response.WriteAsync($"event: {name}\ndata: {JsonSerializer.Serialize(data, RequestJson.Options)}\n\n", CancellationToken.None);
            await response.Body.FlushAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            clientGone = true;
        }
    }
}
