using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Jimp.Functions.Privacy;

public sealed record ExportStarted(string RequestId, string ExportId, string Status, DateTimeOffset DueAt);

public sealed record ExportList(IReadOnlyList<ExportRecordView> Items);

public sealed class ExportFunctions(UserCaps caps, RequestTracker requests, ExportRecords exports, JimpStorage storage, SecurityLog securityLog, TimeProvider clock)
{
    [Function(nameof(RequestExport))]
    [ApiResponse(202, typeof(ExportStarted), Description = "Being prepared; an e-mail links to the privacy center when it is ready.")]
    public async Task<IResult> RequestExport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/me/exports")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        await caps.HitAsync(user.UserId, UserCap.Export, cancellationToken);
        var started = await ExportOrchestration.StartAsync(client, requests, exports, user, clock.GetUtcNow(), cancellationToken);
        return TypedResults.Accepted($"/api/me/exports/{started.Id}", new ExportStarted(started.Id, started.Id, ExportStatuses.Pending, started.DueAt));
    }

    [Function(nameof(ListExports))]
    [ApiResponse(200, typeof(ExportList))]
    public async Task<IResult> ListExports(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me/exports")] HttpRequest request, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        return TypedResults.Ok(new ExportList(await exports.ListAsync(user.UserId, clock.GetUtcNow(), cancellationToken)));
    }

    /// <summary>The ZIP, to the same signed-in user only, until 7 days after creation; each download is logged.</summary>
    [Function(nameof(DownloadExport))]
    [ApiResponse(200, ContentType = "application/zip", Description = "The archive, until 7 days after creation.")]
    public async Task<IResult> DownloadExport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/me/exports/{id}/download")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        var user = request.SignedInUser();
        var record = await exports.FindAsync(user.UserId, id, cancellationToken) ?? throw ProblemException.NotFound("export");
        var view = ExportRecords.ToView(record, clock.GetUtcNow());
        if (view.Status == ExportStatuses.Pending) throw new ProblemException(409, "Not ready yet.", "Your export is being prepared; you will get an e-mail.") { Code = "export-pending" };
        if (view.Status != ExportStatuses.Ready) throw new ProblemException(404, "Not found.", "This export has expired (exports are kept 7 days). Ask for a new one.") { Code = "export-expired" };
        var blob = storage.Container(ExportArchiveStore.Container).GetBlobClient(ExportRecords.BlobName(user.UserId, id));
        var content = await blob.OpenReadAsync(cancellationToken: cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.ExportDownloaded, user.UserId, request, id, cancellationToken);
        return TypedResults.Stream(content, "application/zip", $"jimp-export-{view.CreatedAt.UtcDateTime:yyyy-MM-dd}.zip");
    }
}
