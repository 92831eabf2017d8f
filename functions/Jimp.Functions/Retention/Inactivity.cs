using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
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
    AccountStore accounts,
    RequestTracker requests,
    IEmailSender email,
    IOptions<RetentionOptions> options,
    IOptions<Platform.AppOptions> app,
    TimeProvider clock,
    ILogger<Inactivity> logger)
{
    [Function(nameof(CheckInactiveAccounts))]
    public async Task CheckInactiveAccounts([TimerTrigger(TimerSchedules.Inactivity)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
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
        int warned = 0, erasing = 0, skipped = 0;
        // The accounts feature owns the users table: Retention asks it, and records its marks through it.
        await foreach (var account in accounts.ListNotSignedInSinceAsync(warnBefore, cancellationToken))
        {
            if (account.Restricted)
            {
                skipped++;
                continue;
            }
            if (account.LastSignInAt <= eraseBefore)
            {
                // The request is recorded on the account before the orchestration starts, so a run that finds it
                // failed (or never started, after a crash) starts it again; the account row goes only once it is done.
                if (account.InactivityErasureStartedSinceLastSignIn && account.InactivityErasureRequestId is { } requestId)
                {
                    var instanceId = ErasureOrchestration.InstanceIdFor(requestId);
                    var state = await client.GetInstanceAsync(instanceId, cancellationToken);
                    if (state is not null && state.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)) continue;
                    if (state is not null) await client.PurgeInstanceAsync(instanceId, cancellationToken);
                    await ErasureOrchestration.ScheduleAsync(client, new ErasureInput(account.UserId, requestId, ErasureReasons.Inactivity), cancellationToken);
                    erasing++;
                    continue;
                }
                if (account.InactivityErasureStartedSinceLastSignIn) continue;
                var request = await requests.OpenAsync(account.UserId, RequestTypes.Erasure, cancellationToken);
                await accounts.MarkInactivityErasureStartedAsync(account.UserId, now, request.Id, cancellationToken);
                await ErasureOrchestration.ScheduleAsync(client, new ErasureInput(account.UserId, request.Id, ErasureReasons.Inactivity), cancellationToken);
                erasing++;
            }
            else if (!account.WarnedSinceLastSignIn)
            {
                // Once per period of inactivity: a sign-in after this warning starts a new period, warned again 23 months later.
                var erasureDate = account.LastSignInAt.AddMonths(options.Value.InactivityErasureMonths);
                var link = new Uri(app.Value.PublicBaseUrl.TrimEnd('/') + "/");
                var to = account.Email;
                await email.SendAsync(account.Locale == "en"
                    ? AccountEmails.WithLink(to, "Your JIMP account will be deleted", "Hello,",
                        $"You have not signed in to JIMP for {options.Value.InactivityWarningMonths} months. As our privacy policy says, your account and all its data will be deleted on {erasureDate:yyyy-MM-dd} unless you sign in before then:",
                        link, "Sign in to JIMP", "Nothing else to do: signing in once keeps your account.")
                    : AccountEmails.WithLink(to, "Votre compte JIMP va être supprimé", "Bonjour,",
                        $"Vous ne vous êtes pas connecté à JIMP depuis {options.Value.InactivityWarningMonths} mois. Comme le prévoit notre politique de confidentialité, votre compte et toutes ses données seront supprimés le {erasureDate:dd/MM/yyyy}, sauf si vous vous connectez d'ici là :",
                        link, "Me connecter à JIMP", "Rien d'autre à faire : une connexion suffit à garder votre compte."),
                    cancellationToken);
                await accounts.MarkInactivityWarnedAsync(account.UserId, now, cancellationToken);
                warned++;
            }
        }
        return new InactivityReport(warned, erasing, skipped);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inactivity: {Warned} warned, {Erasing} erasures started, {Skipped} restricted accounts skipped")]
    private static partial void LogReport(ILogger logger, int warned, int erasing, int skipped);
}
