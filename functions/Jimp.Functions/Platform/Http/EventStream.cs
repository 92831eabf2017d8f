using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Platform.Http;

/// <summary>
/// The one writer of server-sent events (<c>text/event-stream</c>) for every streaming endpoint: the headers that keep
/// proxies from buffering, one <c>event:</c>/<c>data:</c> frame per event (JSON, the API's casing), a flush per event.
/// Once the client is gone, writes are dropped and the caller's work goes on (a chat answer is still stored).
/// </summary>
public sealed class EventStream(HttpResponse response)
{
    private bool clientGone;

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
