using System.Collections.Concurrent;
using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Functions.Privacy;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Mailings;

/// <summary>Fails the send loop of one mailing once, just before its Nth send (the first N-1 are sent and marked).</summary>
public sealed class MailingFaults : IActivityFaults
{
    private int calls;

    public string? MailingId { get; set; }

    public int FailBeforeSend { get; set; }

    public int Injected { get; private set; }

    public void BeforeRun(string activity, string key)
    {
        if (activity != nameof(BulkMailOrchestration.SendMailingBatch) || key != MailingId) return;
        if (Interlocked.Increment(ref calls) == FailBeforeSend)
        {
            Injected++;
            throw new InvalidOperationException("Injected failure: the worker stops mid-batch");
        }
    }
}

/// <summary>4 mails a minute, batches of 3, a probe mail sender that notes the test clock of every send, and the fault above.</summary>
public sealed class BulkMailHost : SharedHost
{
    public const int PerMinute = 4;

    public MailingFaults Faults { get; } = new();

    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MailingTestKit.FastMailings(options, perMinute: PerMinute, batchSize: 3);
        options.Services = s =>
        {
            s.AddSingleton(PolicyAnnouncementTests.Policies());
            ProbeEmailSender.Register(s);
            s.AddSingleton<IActivityFaults>(Faults);
        };
    }
}

public sealed class BulkMailTests(BulkMailHost shared) : IClassFixture<BulkMailHost>, IAsyncDisposable
{
    private const string FrenchSubject = "La politique de confidentialité de JIMP change";
    private const string EnglishSubject = "JIMP's privacy policy changes";
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task<MailingStarted> AnnounceAsync() =>
        await host.Services.GetRequiredService<PolicyAnnouncements>().AnnounceAsync(
            host.Services.GetRequiredService<PolicyDocuments>().Versions.Single(v => v.Version == "3.0.0"), host.Services.GetRequiredService<DurableTaskClient>(), default);

    private static string Subject(Account a) => a.Locale == "en" ? EnglishSubject : FrenchSubject;

    [Fact]
    public async Task Every_account_gets_exactly_one_announcement_and_minors_and_accounts_being_erased_get_none()
    {
        var accounts = await MailingTestKit.SeedAsync(host, 9, (i, a) => i switch
        {
            3 => a with { IsMinorFlagged = true },
            5 => a with { ErasingSince = a.CreatedAt },
            _ => a,
        });
        var excluded = accounts.Where(a => a.IsMinorFlagged || a.ErasingSince is not null).ToList();

        var started = await AnnounceAsync();
        var progress = await MailingTestKit.WaitAsync(host, started.MailingId);

        Assert.Equal(("finished", 7, 2, 0, 9), (progress.Status, progress.Sent, progress.Skipped, progress.Failed, progress.Total));
        Assert.NotNull(progress.FinishedAt);
        // Every account's mailbox read at once (each count settles on its own).
        var counts = await Task.WhenAll(accounts.Select(a => Mailbox.SettledCountAsync(host, a.Email, Subject(a), expected: excluded.Contains(a) ? 0 : 1)));
        Assert.Equal(accounts.Select(a => excluded.Contains(a) ? 0 : 1), counts);
        // The marks were only for the run: none is left, and no table holds an address of the mailing.
        var tables = string.Join("\n", await host.ScanTablesAsync());
        Assert.DoesNotContain(MailingStore.SentTable + ":", tables, StringComparison.Ordinal);
        Assert.DoesNotContain("@", tables.Split('\n').Where(l => l.StartsWith(MailingStore.Table + ":", StringComparison.Ordinal)).DefaultIfEmpty("").Aggregate((a, b) => a + b), StringComparison.Ordinal);

        // A second announce sends nothing again: no account receives a mail after its newest one (the SMTP server's
        // clock on both sides), once the mailing's orchestration is done (a run started again would have the same instance).
        var marks = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var account in accounts) marks[account.Email] = await Mailbox.NewestAsync(host, account.Email, Subject(account));
        var again = await AnnounceAsync();
        Assert.True(again.AlreadyStarted);
        Assert.Equal(started.MailingId, again.MailingId);
        await host.WaitForOrchestrationAsync(BulkMailOrchestration.InstanceIdFor(started.MailingId));
        var later = await Task.WhenAll(accounts.Select(a => Mailbox.ReceivedAfterAsync(host, a.Email, Subject(a), marks[a.Email])));
        Assert.All(later, mails => Assert.Empty(mails));
    }

    [Fact]
    public async Task A_batch_that_fails_after_some_mails_resumes_and_mails_nobody_twice()
    {
        var accounts = await MailingTestKit.SeedAsync(host, 6);
        host.Services.GetRequiredService<ProbeEmailSender>();
        shared.Faults.FailBeforeSend = 3; // the first batch sends 2, then its worker "dies" before the third
        var before = shared.Faults.Injected;

        var started = await AnnounceAsync();
        shared.Faults.MailingId = started.MailingId;
        var progress = await MailingTestKit.WaitAsync(host, started.MailingId);

        Assert.Equal(before + 1, shared.Faults.Injected);
        Assert.Equal(6, progress.Sent);
        var counts = await Task.WhenAll(accounts.Select(a => Mailbox.SettledCountAsync(host, a.Email, Subject(a), expected: 1)));
        Assert.All(counts, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task No_minute_of_the_clock_sees_more_mails_than_the_configured_rate()
    {
        var accounts = await MailingTestKit.SeedAsync(host, 10);
        var addresses = accounts.Select(a => a.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sentAt = new ConcurrentBag<DateTimeOffset>();
        var probe = host.Services.GetRequiredService<ProbeEmailSender>();
        var clock = host.Clock;
        probe.BeforeSend = m =>
        {
            if (addresses.Contains(m.To)) sentAt.Add(clock.GetUtcNow());
            return Task.CompletedTask;
        };
        var start = clock.GetUtcNow();
        try
        {
            var started = await AnnounceAsync();
            var progress = await MailingTestKit.WaitAsync(host, started.MailingId);
            Assert.Equal(10, progress.Sent);
        }
        finally
        {
            probe.BeforeSend = null;
        }

        var perMinute = sentAt.GroupBy(t => (int)(t - start).TotalMinutes).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
        // 10 mails at 4 a minute: 4, 4, 2 over three minutes of the test's clock (not of the wall clock).
        Assert.Equal([BulkMailHost.PerMinute, BulkMailHost.PerMinute, 2], perMinute);
        Assert.Equal(start + TimeSpan.FromMinutes(2), clock.GetUtcNow());
    }
}

/// <summary>A DevHost stopped in the middle of a mailing: another one, on the same storage, finishes it, and nobody gets the mail twice.</summary>
public sealed class BulkMailRestartTests
{
    [Fact]
    public async Task A_mailing_cut_by_a_host_restart_is_resumed_by_housekeeping_and_mails_everyone_once()
    {
        var prefix = "tr" + Guid.NewGuid().ToString("N")[..10];
        void Configure(JimpTestHostOptions o)
        {
            MailingTestKit.FastMailings(o, perMinute: 3, batchSize: 3);
            o.Settings["Storage:Prefix"] = prefix;
            o.Services = s => s.AddSingleton(PolicyAnnouncementTests.Policies());
        }
        List<Account> accounts;
        string mailingId;
        await using (var first = await JimpTestHost.StartAsync(Configure))
        {
            accounts = await MailingTestKit.SeedAsync(first, 7);
            var started = await first.Services.GetRequiredService<PolicyAnnouncements>().AnnounceAsync(
                first.Services.GetRequiredService<PolicyDocuments>().Versions.Single(v => v.Version == "3.0.0"), first.Services.GetRequiredService<DurableTaskClient>(), default);
            mailingId = started.MailingId;
            // The first window's 3 mails go out, then the mailing sleeps on its throttle: the host stops there.
            var cut = await Eventually.ReadAsync(() => MailingTestKit.ReadAsync(first, mailingId), m => m?.Sent == 3);
            Assert.Equal(3, cut?.Sent);
        }

        await using var second = await JimpTestHost.StartAsync(Configure);
        second.Clock.Advance(TimeSpan.FromMinutes(5)); // past the recovery's grace, and a new throttle window
        await second.RunTimerAsync("RunHousekeeping");
        var progress = await MailingTestKit.WaitAsync(second, mailingId);

        Assert.Equal(7, progress.Sent);
        foreach (var account in accounts)
        {
            var subject = account.Locale == "en" ? "JIMP's privacy policy changes" : "La politique de confidentialité de JIMP change";
            Assert.Equal(1, await Mailbox.SettledCountAsync(second, account.Email, subject, expected: 1));
        }
    }
}
