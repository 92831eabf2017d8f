using System.Collections.Concurrent;
using Jimp.Functions.Privacy;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Mailings;

/// <summary>A provider's daily quota (Email:BulkPerDay = 3) beside a per-minute rate of 4.</summary>
public sealed class BulkMailDailyCapHost : SharedHost
{
    public const int PerDay = 3;

    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MailingTestKit.FastMailings(options, perMinute: 4, batchSize: 3, perDay: PerDay);
        options.Services = s =>
        {
            s.AddSingleton(PolicyAnnouncementTests.Policies());
            ProbeEmailSender.Register(s);
        };
    }
}

public sealed class BulkMailDailyCapTests(BulkMailDailyCapHost shared) : IClassFixture<BulkMailDailyCapHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_daily_cap_of_3_sends_7_mails_as_3_3_and_1_over_three_utc_days_each_once()
    {
        var accounts = await MailingTestKit.SeedAsync(host, 7);
        var addresses = accounts.Select(a => a.Email).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sentAt = new ConcurrentBag<(string To, DateTimeOffset At)>();
        var probe = host.Services.GetRequiredService<ProbeEmailSender>();
        var clock = host.Clock;
        probe.BeforeSend = m =>
        {
            if (addresses.Contains(m.To)) sentAt.Add((m.To, clock.GetUtcNow()));
            return Task.CompletedTask;
        };
        var startDay = clock.GetUtcNow().UtcDateTime.Date;
        try
        {
            var started = await host.Services.GetRequiredService<PolicyAnnouncements>().AnnounceAsync(
                host.Services.GetRequiredService<PolicyDocuments>().Versions.Single(v => v.Version == "3.0.0"), host.Services.GetRequiredService<DurableTaskClient>(), default);
            var progress = await MailingTestKit.WaitAsync(host, started.MailingId);
            Assert.Equal(7, progress.Sent);
        }
        finally
        {
            probe.BeforeSend = null;
        }

        // Per UTC day of the test's clock: 3, 3, 1 (the per-minute rate of 4 alone would have sent 4, 3 in two minutes).
        var perDay = sentAt.GroupBy(s => (s.At.UtcDateTime.Date - startDay).Days).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();
        Assert.Equal([(0, 3), (1, 3), (2, 1)], perDay);
        // Each account once.
        Assert.All(sentAt.GroupBy(s => s.To, StringComparer.OrdinalIgnoreCase), g => Assert.Single(g));
        Assert.Equal(7, sentAt.Select(s => s.To).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }
}
