using Jimp.Functions.Accounts;
using Jimp.Functions.Mailings;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Mailings;

/// <summary>Helpers for tests of bulk mailings: fast settings, seeded accounts, and a driver that plays the minutes on the fake clock.</summary>
public static class MailingTestKit
{
    /// <summary>A mailing looks at the clock every 50 ms (not every minute) and retries a failed batch after 200 ms.</summary>
    public static void FastMailings(JimpTestHostOptions options, int perMinute = 60, int batchSize = 100, int perDay = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Email:BulkMaxWait"] = "00:00:00.050";
        options.Settings["Email:RetryFirstInterval"] = "00:00:00.200";
        options.Settings["Email:RetryMaxInterval"] = "00:00:01";
        options.Settings["Email:BulkPerMinute"] = perMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Settings["Email:BulkBatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        options.Settings["Email:BulkPerDay"] = perDay.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Accounts written straight to the store (no sign-up mail), with fresh addresses, in key order.</summary>
    public static async Task<List<Account>> SeedAsync(JimpTestHost host, int count, Func<int, Account, Account>? shape = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var store = host.Services.GetRequiredService<AccountStore>();
        var now = host.Clock.GetUtcNow();
        var list = new List<Account>();
        for (var i = 0; i < count; i++)
        {
            var account = new Account(Guid.NewGuid().ToString("N"), Users.NewEmail("bulk"), i % 2 == 0 ? "fr" : "en", now, now, "2.0.0", now, now, false, false, false);
            account = shape?.Invoke(i, account) ?? account;
            await store.CreateAsync(account, default);
            if (account.ErasingSince is { } since) await store.MarkErasingAsync(account.UserId, since, default); // as the erasure's first step does
            list.Add(account);
        }
        list.Sort((a, b) => string.CompareOrdinal(a.UserId, b.UserId));
        return list;
    }

    public static Task<Mailing?> ReadAsync(JimpTestHost host, string mailingId)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Services.GetRequiredService<MailingStore>().GetAsync(mailingId, default);
    }

    /// <summary>
    /// Runs the mailing to its end, playing the minutes: whenever its throttle window is full, the test's clock moves
    /// one minute on (never in the middle of a batch: a full window is saved after its sends). Returns the final progress.
    /// </summary>
    public static async Task<MailingProgress> WaitAsync(JimpTestHost host, string mailingId, TimeSpan? patience = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var email = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Jimp.Functions.Platform.Email.EmailOptions>>().Value;
        var perMinute = email.BulkPerMinute;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        DateTimeOffset? advancedFor = null;
        while (watch.Elapsed < (patience ?? TimeSpan.FromSeconds(60)))
        {
            var mailing = await ReadAsync(host, mailingId);
            if (mailing?.FinishedAt is not null)
            {
                await host.WaitForOrchestrationAsync(BulkMailOrchestration.InstanceIdFor(mailingId));
                return mailing.Progress();
            }
            // A full day (the daily cap): the clock moves to the next 00:00 UTC.
            if (email.BulkPerDay > 0 && mailing is { DayStart: { } day } && mailing.SentInDay >= email.BulkPerDay && host.Clock.GetUtcNow() < day.AddDays(1))
            {
                host.Clock.SetUtcNow(day.AddDays(1));
            }
            else if (mailing is { WindowStart: { } start } && mailing.SentInWindow >= perMinute && advancedFor != start)
            {
                advancedFor = start;
                if (host.Clock.GetUtcNow() < start + BulkMailOrchestration.Window) host.Clock.SetUtcNow(start + BulkMailOrchestration.Window);
            }
            await Task.Delay(50);
        }
        var last = await ReadAsync(host, mailingId);
        throw new TimeoutException($"Mailing {mailingId} did not finish: {last?.Progress()}. {host.Troubles()}");
    }
}
