using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Privacy;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Mailings;

/// <param name="MailingId">The row in <c>mailings</c>.</param>
/// <param name="Settings">Read by the first run (an activity: orchestrators read no options) and carried across ContinueAsNew.</param>
public sealed record MailingInput(string MailingId, MailingSettings? Settings = null, bool Counted = false);

/// <summary>The mail retry policy of a batch, the longest sleep between looks at the clock, and the pause after an outage outlasted the retries.</summary>
public sealed record MailingSettings(MailRetry Retry, TimeSpan MaxWait);

/// <summary>What a batch did: the mailing is done, or the next batch may start after <c>Wait</c> (zero: at once).</summary>
public sealed record MailingBatch(bool Done, TimeSpan Wait, int Sent);

/// <summary>
/// Bulk e-mail (policy and CGU announcements, inactivity warnings, campaigns), one Durable orchestration per mailing.
/// Each activity run reads one page of accounts from the mailing's saved place in the <c>users</c> table (one query;
/// the inactivity warnings: a page of the due months of the sign-in-month index, each account a point read),
/// checks the page against the mailing's sent marks (one range query), sends through the mailing's kind, writes a
/// sent mark after SMTP accepts each message, then saves the place and the counts (one write). The throttle is a
/// one-minute window on the app's clock (<see cref="EmailOptions.BulkPerMinute"/>): a full window ends the batch
/// and the orchestration sleeps on a durable timer until the window ends — never a sleep inside an HTTP call or an
/// activity. <see cref="EmailOptions.BulkPerDay"/> caps a UTC day likewise (the batch ends, durable timers until
/// 00:00 UTC). A crash, a redelivered activity or a restart resumes from the saved place: the marks make the
/// re-read page skip everyone already mailed, so only the one message in flight at the crash can go twice (SMTP's
/// own at-least-once window). Every 20 batches the orchestration continues as new, so its history stays small.
/// </summary>
public sealed partial class BulkMailOrchestration(
    MailingStore mailings,
    AccountStore accounts,
    IEnumerable<IMailingKind> kinds,
    IActivityFaults faults,
    IOptions<EmailOptions> options,
    TimeProvider clock,
    ILogger<BulkMailOrchestration> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int BatchesPerGeneration = 20;

    public static string InstanceIdFor(string mailingId) => "mailing-" + mailingId;

    [Function(nameof(RunMailing))]
    public static async Task RunMailing([OrchestrationTrigger] TaskOrchestrationContext context, MailingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var log = context.CreateReplaySafeLogger(nameof(RunMailing));
        var settings = input.Settings ?? await context.CallActivityAsync<MailingSettings>(nameof(GetMailingSettings), input.MailingId, ExportOrchestration.Retry);
        if (!input.Counted)
        {
            await context.CallActivityAsync(nameof(CountMailingRecipients), input.MailingId, ExportOrchestration.Retry);
        }
        for (var i = 0; i < BatchesPerGeneration; i++)
        {
            MailingBatch batch;
            try
            {
                batch = await context.CallActivityAsync<MailingBatch>(nameof(SendMailingBatch), input.MailingId, settings.Retry.ToTaskOptions());
            }
            catch (TaskFailedException)
            {
                // The mail server stayed down longer than the retries: the mailing pauses, then tries again from its saved place.
                LogPaused(log, input.MailingId, settings.Retry.MaxInterval);
                await context.CreateTimer(context.CurrentUtcDateTime + settings.Retry.MaxInterval, CancellationToken.None);
                continue;
            }
            if (batch.Done)
            {
                await context.CallActivityAsync(nameof(FinishMailing), input.MailingId, ExportOrchestration.Retry);
                return;
            }
            if (batch.Wait > TimeSpan.Zero)
            {
                var wait = batch.Wait < settings.MaxWait ? batch.Wait : settings.MaxWait;
                await context.CreateTimer(context.CurrentUtcDateTime + wait, CancellationToken.None);
            }
        }
        context.ContinueAsNew(input with { Settings = settings, Counted = true });
    }

    [Function(nameof(GetMailingSettings))]
    public MailingSettings GetMailingSettings([ActivityTrigger] string mailingId) =>
        new(new MailRetry(options.Value.RetryAttempts, options.Value.RetryFirstInterval, options.Value.RetryMaxInterval), options.Value.BulkMaxWait);

    /// <summary>The total the console shows: the accounts the mailing will look at (keys only, one query per 1,000).</summary>
    [Function(nameof(CountMailingRecipients))]
    public async Task CountMailingRecipients([ActivityTrigger] string mailingId)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var mailing = await mailings.GetAsync(mailingId, CancellationToken.None);
            if (mailing is null || mailing.Total is not null) return;
            var total = await accounts.CountAsync(Kind(mailing).NotSignedInSince(mailing), CancellationToken.None);
            if (await mailings.TryUpdateAsync(mailing with { Total = total }, CancellationToken.None)) return;
        }
    }

    /// <summary>One page: at most the throttle window's remaining allowance and <see cref="EmailOptions.BulkBatchSize"/>.</summary>
    [Function(nameof(SendMailingBatch))]
    public async Task<MailingBatch> SendMailingBatch([ActivityTrigger] string mailingId)
    {
        var mailing = await mailings.GetAsync(mailingId, CancellationToken.None);
        if (mailing is null || mailing.FinishedAt is not null) return new MailingBatch(true, TimeSpan.Zero, 0);
        if (mailing.Paged && mailing.Cursor is null) return new MailingBatch(true, TimeSpan.Zero, 0);
        var kind = Kind(mailing);
        var now = clock.GetUtcNow();
        var (windowStart, inWindow) = mailing.WindowStart is { } start && now >= start && now < start + Window
            ? (start, mailing.SentInWindow)
            : (now, 0);
        var allowance = options.Value.BulkPerMinute - inWindow;
        if (allowance <= 0) return new MailingBatch(false, windowStart + Window - now, 0);
        // The provider's daily quota: a full UTC day sleeps (durable timers, at most BulkMaxWait each) until 00:00 UTC.
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var inDay = mailing.DayStart == today ? mailing.SentInDay : 0;
        if (options.Value.BulkPerDay > 0)
        {
            if (inDay >= options.Value.BulkPerDay) return new MailingBatch(false, today.AddDays(1) - now, 0);
            allowance = Math.Min(allowance, options.Value.BulkPerDay - inDay);
        }

        var (page, next) = await accounts.ReadPageAsync(mailing.Cursor, Math.Min(allowance, options.Value.BulkBatchSize), kind.NotSignedInSince(mailing), CancellationToken.None);
        // Marks of this page exist only if an earlier run of it was cut short (a crash, a retry): one range query finds them.
        // The page's lowest and highest ids: a page of the sign-in-month index is in (month, id) order, not id order.
        var marked = page.Count == 0 ? [] : await mailings.SentAmongAsync(mailingId, page.Select(a => a.UserId).Min(StringComparer.Ordinal)!, page.Select(a => a.UserId).Max(StringComparer.Ordinal)!, CancellationToken.None);
        int sent = 0, skipped = 0, failed = 0, sentNow = 0;
        foreach (var account in page)
        {
            if (marked.Contains(account.UserId))
            {
                sent++;
                continue;
            }
            faults.BeforeRun(nameof(SendMailingBatch), mailingId);
            MailOutcome outcome;
            try
            {
                outcome = await kind.SendAsync(mailing, account, CancellationToken.None);
            }
            catch (EmailUnavailableException ex) when (IsPermanent(ex))
            {
                // The server refused this recipient (5xx) or the address cannot be parsed: retrying would not help.
                LogRecipientFailed(logger, mailingId, account.UserId, ex.InnerException?.GetType().Name ?? ex.GetType().Name);
                failed++;
                continue;
            }
            if (outcome == MailOutcome.Sent)
            {
                await mailings.MarkSentAsync(mailingId, account.UserId, clock.GetUtcNow(), CancellationToken.None);
                sent++;
                sentNow++;
            }
            else
            {
                skipped++;
            }
        }
        var updated = mailing with
        {
            Cursor = next,
            Paged = true,
            Sent = mailing.Sent + sent,
            Skipped = mailing.Skipped + skipped,
            Failed = mailing.Failed + failed,
            WindowStart = windowStart,
            SentInWindow = inWindow + sentNow,
            DayStart = today,
            SentInDay = inDay + sentNow,
        };
        if (!await mailings.TryUpdateAsync(updated, CancellationToken.None))
        {
            // Another run of this batch (a redelivery) saved first: read the mailing again next time.
            return new MailingBatch(false, TimeSpan.Zero, sentNow);
        }
        LogBatch(logger, mailingId, sentNow, skipped, failed);
        return new MailingBatch(next is null, TimeSpan.Zero, sentNow);
    }

    /// <summary>Every account was looked at: the kind's last step (an announcement is recorded complete), the marks go, the mailing is finished.</summary>
    [Function(nameof(FinishMailing))]
    public async Task FinishMailing([ActivityTrigger] string mailingId)
    {
        var mailing = await mailings.GetAsync(mailingId, CancellationToken.None);
        if (mailing is null) return;
        await Kind(mailing).FinishedAsync(mailing, CancellationToken.None);
        if (mailing.FinishedAt is null)
        {
            var finished = mailing with { FinishedAt = clock.GetUtcNow(), Total = mailing.Sent + mailing.Skipped + mailing.Failed, Cursor = null };
            if (!await mailings.TryUpdateAsync(finished, CancellationToken.None)) throw new InvalidOperationException("The mailing changed while it was being finished; the retry finishes it.");
        }
        await mailings.DeleteMarksAsync(mailingId, CancellationToken.None);
        LogFinished(logger, mailingId, mailing.Sent, mailing.Skipped, mailing.Failed);
    }

    private IMailingKind Kind(Mailing mailing) =>
        kinds.FirstOrDefault(k => k.Kind == mailing.Kind) ?? throw new InvalidOperationException($"No mailing kind '{mailing.Kind}' is registered.");

    private static bool IsPermanent(EmailUnavailableException ex) => ex.InnerException switch
    {
        MailKit.Net.Smtp.SmtpCommandException smtp => (int)smtp.StatusCode >= 500,
        MimeKit.ParseException => true,
        _ => false,
    };

    /// <summary>
    /// Records a new mailing and starts its orchestration. The caller has made sure it is wanted once (an
    /// announcement's marker row, the inactivity run of the day, the campaign the owner confirmed).
    /// </summary>
    public static async Task<Mailing> StartAsync(DurableTaskClient client, MailingStore mailings, Mailing mailing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(mailings);
        ArgumentNullException.ThrowIfNull(mailing);
        await mailings.CreateAsync(mailing, cancellationToken);
        await ScheduleAsync(client, mailing.Id, cancellationToken);
        return mailing;
    }

    public static Task<string> ScheduleAsync(DurableTaskClient client, string mailingId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.ScheduleNewOrchestrationInstanceAsync(nameof(RunMailing), new MailingInput(mailingId), new StartOrchestrationOptions(InstanceIdFor(mailingId)), cancellationToken);
    }

    public static string ProgressUrl(string mailingId) => "/api/console/mailings/" + mailingId;

    public static MailingStarted Started(Mailing mailing, bool alreadyStarted)
    {
        ArgumentNullException.ThrowIfNull(mailing);
        return new MailingStarted(mailing.Id, ProgressUrl(mailing.Id), alreadyStarted, mailing.Progress());
    }

    public static string NewId() => Secrets.NewId();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailing {MailingId} paused: the mail server stayed unavailable; it resumes after {Pause}")]
    private static partial void LogPaused(ILogger logger, string mailingId, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailing {MailingId}: the message to user {UserId} was refused ({ExceptionType}); counted as failed")]
    private static partial void LogRecipientFailed(ILogger logger, string mailingId, string userId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailing {MailingId}: batch sent {Sent}, skipped {Skipped}, failed {Failed}")]
    private static partial void LogBatch(ILogger logger, string mailingId, int sent, int skipped, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailing {MailingId} finished: {Sent} sent, {Skipped} skipped, {Failed} failed")]
    private static partial void LogFinished(ILogger logger, string mailingId, int sent, int skipped, int failed);
}

/// <summary>
/// Starts again the mailings that did not finish and have no live orchestration (the DevHost's in-memory engine
/// lost it in a restart, or it failed): run by housekeeping, hourly. In Azure the Durable backend resumes a crashed
/// orchestration by itself; this is the net under it. The mailing resumes from its saved place.
/// </summary>
public sealed partial class MailingRecovery(MailingStore mailings, TimeProvider clock, ILogger<MailingRecovery> logger)
{
    /// <summary>A mailing this young with no orchestration may be one being started right now: left to its starter.</summary>
    public static readonly TimeSpan StartGrace = TimeSpan.FromMinutes(2);

    public async Task<int> ResumeUnfinishedAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var resumed = 0;
        foreach (var mailing in await mailings.ListUnfinishedAsync(cancellationToken))
        {
            var instanceId = BulkMailOrchestration.InstanceIdFor(mailing.Id);
            var state = await client.GetInstanceAsync(instanceId, cancellationToken);
            if (state is not null && state.RuntimeStatus is not (OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated or OrchestrationRuntimeStatus.Completed)) continue;
            if (state is null && clock.GetUtcNow() - mailing.StartedAt < StartGrace) continue;
            if (state is not null)
            {
                try
                {
                    await client.PurgeInstanceAsync(instanceId, cancellationToken);
                }
                catch (NotSupportedException)
                {
                    // The DevHost's in-process engine keeps no purgeable history; scheduling the same id replaces it.
                }
            }
            await BulkMailOrchestration.ScheduleAsync(client, mailing.Id, cancellationToken);
            LogResumed(logger, mailing.Id, state?.RuntimeStatus.ToString() ?? "gone");
            resumed++;
        }
        return resumed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailing {MailingId} was {State}: started again from its saved place")]
    private static partial void LogResumed(ILogger logger, string mailingId, string state);
}
