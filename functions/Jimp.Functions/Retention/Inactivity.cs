using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Privacy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Retention;

/// <param name="WarningMailingId">The warnings' mailing started by this run (null: none due, or one still under way).</param>
public sealed record InactivityReport(int Erasing, int SkippedRestricted, string? WarningMailingId);

/// <summary>
/// Accounts unused for a long time: a warning e-mail after 23 months without sign-in, erasure (the privacy
/// orchestration) at 24 months; restricted accounts are left alone (Art. 18: no processing, no deletion).
/// Signing in again starts the count anew. The timer does not send: it starts a mailing of the warnings, sent by the
/// throttled bulk sender (<see cref="BulkMailOrchestration"/>, kind <see cref="InactivityWarnings"/>); a run while
/// one is still under way starts none. Safe to run twice: a warning is sent once per period of inactivity (the mark
/// on the account), an erasure is started once.
/// </summary>
public sealed partial class Inactivity(
    AccountStore accounts,
    RequestTracker requests,
    MailingStore mailings,
    IOptions<RetentionOptions> options,
    TimeProvider clock,
    ILogger<Inactivity> logger)
{
    [Function(nameof(CheckInactiveAccounts))]
    public async Task CheckInactiveAccounts([TimerTrigger(TimerSchedules.Inactivity)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var report = await RunAsync(client, cancellationToken);
        LogReport(logger, report.Erasing, report.SkippedRestricted, report.WarningMailingId ?? "none");
    }

    public async Task<InactivityReport> RunAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var now = clock.GetUtcNow();
        var warnBefore = now.AddMonths(-options.Value.InactivityWarningMonths);
        var eraseBefore = now.AddMonths(-options.Value.InactivityErasureMonths);
        int erasing = 0, skipped = 0;
        // The accounts feature owns the users table: Retention asks it, and records its marks through it.
        await foreach (var account in accounts.ListNotSignedInSinceAsync(eraseBefore, cancellationToken))
        {
            if (account.Restricted)
            {
                skipped++;
                continue;
            }
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

        // The warnings: one mailing at a time (the accounts it reaches are marked warned, so the next run skips them).
        string? mailingId = null;
        if ((await mailings.ListUnfinishedAsync(cancellationToken)).All(m => m.Kind != MailingKinds.Inactivity))
        {
            var mailing = await BulkMailOrchestration.StartAsync(client, mailings,
                new Mailing(BulkMailOrchestration.NewId(), MailingKinds.Inactivity, now) { Cutoff = warnBefore }, cancellationToken);
            mailingId = mailing.Id;
        }
        return new InactivityReport(erasing, skipped, mailingId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inactivity: {Erasing} erasures started, {Skipped} restricted accounts skipped, warnings mailing {MailingId}")]
    private static partial void LogReport(ILogger logger, int erasing, int skipped, string mailingId);
}

/// <summary>
/// The inactivity warning, one kind of bulk mailing: the accounts not signed in since the mailing's cut-off, each
/// checked again when its turn comes (signed in meanwhile, already warned in this period, restricted, due for
/// erasure, a minor's or being erased: nothing), then the e-mail, then the mark on the account.
/// </summary>
public sealed class InactivityWarnings(AccountStore accounts, IEmailSender email, IOptions<RetentionOptions> options, IOptions<Platform.AppOptions> app) : IMailingKind
{
    public string Kind => MailingKinds.Inactivity;

    public DateTimeOffset? NotSignedInSince(Mailing mailing)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        return mailing.Cutoff;
    }

    public async Task<MailOutcome> SendAsync(Mailing mailing, Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        ArgumentNullException.ThrowIfNull(account);
        var eraseBefore = mailing.StartedAt.AddMonths(-options.Value.InactivityErasureMonths);
        if (account.Restricted || account.IsMinorFlagged || account.ErasingSince is not null || account.WarnedSinceLastSignIn
            || account.LastSignInAt > mailing.Cutoff || account.LastSignInAt <= eraseBefore || string.IsNullOrEmpty(account.Email))
        {
            return MailOutcome.Skipped;
        }
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
        await accounts.MarkInactivityWarnedAsync(account.UserId, mailing.StartedAt, cancellationToken);
        return MailOutcome.Sent;
    }
}
