using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Retention;

public sealed record InactivityReport(int Warned, int Erasing, int SkippedRestricted);

/// <summary>
/// Accounts unused for a long time: a warning e-mail after 23 months without sign-in, erasure (the privacy
/// orchestration) at 24 months; restricted accounts are left alone (Art. 18: no processing, no deletion).
/// Signing in again starts the count anew. Safe to run twice: a warning is sent once per period of inactivity,
/// an erasure is started once.
/// </summary>
public sealed partial class Inactivity(
    JimpStorage storage,
    RequestTracker requests,
    IEmailSender email,
    IOptions<RetentionOptions> options,
    IOptions<Platform.AppOptions> app,
    TimeProvider clock,
    ILogger<Inactivity> logger)
{
    [Function(nameof(CheckInactiveAccounts))]
    public async Task CheckInactiveAccounts([TimerTrigger("%Retention:InactivitySchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var report = await RunAsync(client, cancellationToken);
        LogReport(logger, report.Warned, report.Erasing, report.SkippedRestricted);
    }

    public async Task<InactivityReport> RunAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        var warnBefore = now.AddMonths(-options.Value.InactivityWarningMonths);
        var eraseBefore = now.AddMonths(-options.Value.InactivityErasureMonths);
        var users = await storage.TableAsync(AccountStore.UsersTable, cancellationToken);
        int warned = 0, erasing = 0, skipped = 0;
        var filter = $"LastSignInAt le datetime'{warnBefore.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}'";
        await foreach (var e in users.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (e.GetBoolean("Restricted") == true)
            {
                skipped++;
                continue;
            }
            var lastSignIn = e.GetDateTimeOffset("LastSignInAt") ?? now;
            if (lastSignIn <= eraseBefore)
            {
                // The request is recorded on the account before the orchestration starts, so a run that finds it
                // failed (or never started, after a crash) starts it again; the account row goes only once it is done.
                var requestId = e.GetString("InactivityErasureRequestId");
                if (e.GetDateTimeOffset("InactivityErasureStartedAt") is not null && requestId is not null)
                {
                    var instanceId = ErasureOrchestration.InstanceIdFor(requestId);
                    var state = await client.GetInstanceAsync(instanceId, cancellationToken);
                    if (state is not null && state.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)) continue;
                    if (state is not null) await client.PurgeInstanceAsync(instanceId, cancellationToken);
                    await ErasureOrchestration.ScheduleAsync(client, new ErasureInput(e.PartitionKey, requestId, ErasureReasons.Inactivity), cancellationToken);
                    erasing++;
                    continue;
                }
                var request = await requests.OpenAsync(e.PartitionKey, RequestTypes.Erasure, cancellationToken);
                await users.UpdateEntityAsync(new TableEntity(e.PartitionKey, e.RowKey) { ["InactivityErasureStartedAt"] = now, ["InactivityErasureRequestId"] = request.Id }, ETag.All, TableUpdateMode.Merge, cancellationToken);
                await ErasureOrchestration.ScheduleAsync(client, new ErasureInput(e.PartitionKey, request.Id, ErasureReasons.Inactivity), cancellationToken);
                erasing++;
            }
            else if (e.GetDateTimeOffset("InactivityWarnedAt") is null)
            {
                var erasureDate = lastSignIn.AddMonths(options.Value.InactivityErasureMonths);
                var link = new Uri(app.Value.PublicBaseUrl.TrimEnd('/') + "/");
                var to = e.GetString("Email");
                await email.SendAsync(e.GetString("Locale") == "en"
                    ? AccountEmails.WithLink(to, "Your JIMP account will be deleted", "Hello,",
                        $"You have not signed in to JIMP for {options.Value.InactivityWarningMonths} months. As our privacy policy says, your account and all its data will be deleted on {erasureDate:yyyy-MM-dd} unless you sign in before then:",
                        link, "Sign in to JIMP", "Nothing else to do: signing in once keeps your account.")
                    : AccountEmails.WithLink(to, "Votre compte JIMP va être supprimé", "Bonjour,",
                        $"Vous ne vous êtes pas connecté à JIMP depuis {options.Value.InactivityWarningMonths} mois. Comme le prévoit notre politique de confidentialité, votre compte et toutes ses données seront supprimés le {erasureDate:dd/MM/yyyy}, sauf si vous vous connectez d'ici là :",
                        link, "Me connecter à JIMP", "Rien d'autre à faire : une connexion suffit à garder votre compte."),
                    cancellationToken);
                await users.UpdateEntityAsync(new TableEntity(e.PartitionKey, e.RowKey) { ["InactivityWarnedAt"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
                warned++;
            }
        }
        return new InactivityReport(warned, erasing, skipped);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inactivity: {Warned} warned, {Erasing} erasures started, {Skipped} restricted accounts skipped")]
    private static partial void LogReport(ILogger logger, int warned, int erasing, int skipped);
}
