using System.Text.Json;
using Azure.Storage.Blobs.Models;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

public sealed record ExportInput(string UserId, string ExportId, string Locale);

public sealed record ExportPartInput(string UserId, string ExportId, string Store);

/// <summary>
/// Access and portability (Art. 15, 20): one activity per store of the registry writes its part; one activity
/// assembles the ZIP; one e-mails the link. Every activity is idempotent (it may run more than once).
/// </summary>
public sealed partial class ExportOrchestration(
    PersonalDataRegistry registry,
    JimpStorage storage,
    ExportRecords exports,
    RequestTracker requests,
    AccountStore accounts,
    IEmailSender email,
    IActivityFaults faults,
    IOptions<Platform.AppOptions> app,
    TimeProvider clock)
{
    public static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(30)));

    public static string InstanceIdFor(string exportId) => "export-" + exportId;

    [Function(nameof(ExportPersonalData))]
    public static async Task<int> ExportPersonalData([OrchestrationTrigger] TaskOrchestrationContext context, ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger(nameof(ExportPersonalData));
        var stores = await context.CallActivityAsync<string[]>(nameof(ListExportStores), input.UserId, Retry);
        // Every store's part at once (fan-out, fan-in): each writes its own part blob, so their order does not matter,
        // and a part that fails waits out its own retry, not the others' (one after another, an export of 20 stores
        // took 20 activity round trips, and 20 retry intervals when each failed once).
        var parts = await Task.WhenAll(stores.Select(store => context.CallActivityAsync<int>(nameof(ExportStorePart), new ExportPartInput(input.UserId, input.ExportId, store), Retry)));
        var total = parts.Sum();
        await context.CallActivityAsync(nameof(AssembleExport), input, Retry);
        // The export is ready (the privacy center lists it) before the e-mail; an SMTP outage delays the e-mail
        // under the mail retry policy, and one that outlasts it leaves the export ready, unmailed (logged).
        var mailRetry = await context.CallActivityAsync<MailRetry>(nameof(MailRetrySettings.GetMailRetry), "export", Retry);
        try
        {
            await context.CallActivityAsync(nameof(SendExportReadyEmail), input, mailRetry.ToTaskOptions());
        }
        catch (TaskFailedException)
        {
            LogEmailFailed(logger, input.ExportId, mailRetry.Attempts);
        }
        LogExported(logger, input.ExportId, total);
        return total;
    }

    [Function(nameof(ListExportStores))]
    public string[] ListExportStores([ActivityTrigger] string userId) => registry.Stores.Select(s => s.Name).ToArray();

    /// <summary>Writes one store's records to a part blob (overwritten when run again).</summary>
    [Function(nameof(ExportStorePart))]
    public async Task<int> ExportStorePart([ActivityTrigger] ExportPartInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        faults.BeforeRun(nameof(ExportStorePart), input.Store);
        var store = registry[input.Store];
        var records = await store.ExportAsync(input.UserId, CancellationToken.None);
        var part = new ExportPart(store.Name, store.Title.Fr, store.Title.En, store.Purpose, store.LegalBasis, store.Retention, records) { French = store.French };
        var container = await storage.ContainerAsync(ExportArchiveStore.Container);
        await container.GetBlobClient(PartName(input.UserId, input.ExportId, store.Name))
            .UploadAsync(BinaryData.FromObjectAsJson(part), overwrite: true);
        return records.Count;
    }

    /// <summary>Builds the ZIP from the parts, marks the export ready, completes the request; a second run finds it done.</summary>
    [Function(nameof(AssembleExport))]
    public async Task AssembleExport([ActivityTrigger] ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        faults.BeforeRun(nameof(AssembleExport), input.ExportId);
        var container = await storage.ContainerAsync(ExportArchiveStore.Container);
        var parts = new List<ExportPart>();
        foreach (var store in registry.Stores)
        {
            var blob = container.GetBlobClient(PartName(input.UserId, input.ExportId, store.Name));
            if (!await blob.ExistsAsync()) continue; // already assembled by an earlier run
            var content = await blob.DownloadContentAsync();
            parts.Add(content.Value.Content.ToObjectFromJson<ExportPart>(PartJson)!);
        }
        var now = clock.GetUtcNow();
        if (parts.Count > 0)
        {
            var zip = container.GetBlobClient(ExportRecords.BlobName(input.UserId, input.ExportId));
            await using (var stream = await zip.OpenWriteAsync(overwrite: true, new Azure.Storage.Blobs.Models.BlobOpenWriteOptions
                         {
                             HttpHeaders = new BlobHttpHeaders { ContentType = "application/zip" },
                         }))
            {
                await ExportArchive.WriteAsync(stream, input.UserId, input.ExportId, input.Locale, now, parts, CancellationToken.None);
            }
            foreach (var store in registry.Stores)
            {
                await container.DeleteBlobIfExistsAsync(PartName(input.UserId, input.ExportId, store.Name));
            }
        }
        await exports.UpdateAsync(input.UserId, input.ExportId, new Dictionary<string, object?> { ["Status"] = ExportStatuses.Ready, ["ReadyAt"] = now }, CancellationToken.None);
        await requests.CompleteAsync(input.UserId, input.ExportId, RequestStatuses.Completed, CancellationToken.None);
    }

    /// <summary>
    /// E-mails the link to the download page, once: the record is claimed with an ETag condition before the
    /// mail goes out, so a second run (a retry, or a duplicate delivery running at the same time) sends nothing.
    /// </summary>
    [Function(nameof(SendExportReadyEmail))]
    public async Task SendExportReadyEmail([ActivityTrigger] ExportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var record = await exports.FindAsync(input.UserId, input.ExportId, CancellationToken.None);
        if (record is null || record.GetDateTimeOffset("EmailSentAt") is not null || record.GetString("EmailClaim") == "claimed") return;
        faults.BeforeRun(nameof(SendExportReadyEmail), input.ExportId);
        if (!await exports.TryClaimEmailAsync(record, CancellationToken.None)) return;
        var account = await accounts.GetAsync(input.UserId, CancellationToken.None);
        if (account is null) return;
        var link = new Uri($"{app.Value.PublicBaseUrl.TrimEnd('/')}/#/privacy?export={input.ExportId}");
        try
        {
            await email.SendAsync(account.Locale == "en"
                ? AccountEmails.WithLink(account.Email, "Your JIMP data is ready", "Hello,", "The copy of your data you asked for is ready. Download it from your privacy center (you will need to be signed in):", link, "Download my data", "The link works for 7 days.")
                : AccountEmails.WithLink(account.Email, "Vos données JIMP sont prêtes", "Bonjour,", "La copie de vos données que vous avez demandée est prête. Téléchargez-la depuis votre espace Confidentialité (connexion requise) :", link, "Télécharger mes données", "Le lien fonctionne pendant 7 jours."),
                CancellationToken.None);
        }
        catch
        {
            // Not sent: release the claim so the retry sends it.
            await exports.UpdateAsync(input.UserId, input.ExportId, new Dictionary<string, object?> { ["EmailClaim"] = "released" }, CancellationToken.None);
            throw;
        }
        await exports.UpdateAsync(input.UserId, input.ExportId, new Dictionary<string, object?> { ["EmailSentAt"] = clock.GetUtcNow() }, CancellationToken.None);
    }

    /// <summary>Opens the request, records the export and starts the orchestration.</summary>
    public static async Task<PrivacyRequest> StartAsync(DurableTaskClient client, RequestTracker requests, ExportRecords exports, SignedInUser user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(exports);
        ArgumentNullException.ThrowIfNull(user);
        var request = await requests.OpenAsync(user.UserId, RequestTypes.Export, cancellationToken);
        await exports.CreateAsync(user.UserId, request.Id, user.Locale, now, cancellationToken);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(ExportPersonalData), new ExportInput(user.UserId, request.Id, user.Locale),
            new StartOrchestrationOptions(InstanceIdFor(request.Id)), cancellationToken);
        return request;
    }

    /// <summary>Starts the export that answers a request already recorded (e.g. one received by e-mail and confirmed).</summary>
    public static async Task StartForRequestAsync(DurableTaskClient client, ExportRecords exports, string userId, string locale, string requestId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(exports);
        await exports.CreateAsync(userId, requestId, locale, now, cancellationToken);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(ExportPersonalData), new ExportInput(userId, requestId, locale),
            new StartOrchestrationOptions(InstanceIdFor(requestId)), cancellationToken);
    }

    public static string PartName(string userId, string exportId, string store) => $"{userId}/{exportId}/parts/{store.Replace('{', '_').Replace('}', '_')}.json";

    private static readonly JsonSerializerOptions PartJson = new(JsonSerializerDefaults.Web);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} is ready but its e-mail failed {Attempts} times")]
    private static partial void LogEmailFailed(ILogger logger, string exportId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} assembled with {Records} records")]
    private static partial void LogExported(ILogger logger, string exportId, int records);
}
