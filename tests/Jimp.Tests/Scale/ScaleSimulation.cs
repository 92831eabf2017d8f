using System.Collections.Concurrent;
using System.Diagnostics;
using Jimp.Functions.Accounts;
using Jimp.Functions.Coaching;
using Jimp.Functions.Insights;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Jimp.Tests.Insights;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Jimp.Tests.Scale;

/// <summary>Counts the mails instead of sending them: the simulation measures storage, not the SMTP server.</summary>
public sealed class CountingEmailSender : IEmailSender
{
    private int sent;

    public int Sent => sent;

    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref sent);
        return Task.CompletedTask;
    }
}

/// <summary>
/// #20's scale simulation: seeds creators on Azurite (an account, a session, a sign-in link for one in ten, a
/// question in the week's insights index for one in ten; 1 % of the sessions and links expired, 1 % of the accounts
/// 23 months without sign-in) and prints, per job, the storage requests and the time at each size: weekly
/// insights, housekeeping, inactivity, log expiry and a policy announcement (mails counted, not sent). Smoke size
/// 200 and 600 creators; full size (./bench.sh) 1,000 and 10,000. 100,000 does not seed in a few minutes on the
/// shared 2-core machine: the figures per creator are stated so the extrapolation can be checked. Requirement:
/// flat, or proportional to the work due: each job asserts requests &lt;= a x due + b (<see cref="Bounds"/>).
/// </summary>
[Trait("Category", Bench.Category)]
public sealed class ScaleSimulation(ITestOutputHelper output)
{
    private const int Parallel = 32;

    [Fact]
    public async Task Each_jobs_storage_requests_at_growing_numbers_of_creators()
    {
        // JIMP_SCALE_CREATORS=100000 (comma-separated) runs other sizes at full size, e.g. the 100,000 of #20 (~10 minutes here).
        var asked = Environment.GetEnvironmentVariable("JIMP_SCALE_CREATORS");
        var sizes = Bench.Full && !string.IsNullOrWhiteSpace(asked)
            ? asked.Split(',').Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : Bench.Size(new[] { 200, 600 }, new[] { 1_000, 10_000 });
        output.WriteLine($"scale simulation ({Bench.Name}); per job: storage requests (queries/point reads/writes) and time; due = what the job has to do");
        output.WriteLine($"{"creators",8} {"seed s",6} | {"job",-22} {"due",6} {"requests",8} {"queries",7} {"points",6} {"writes",6} {"ms",7} {"req/creator",11}");
        var perCreator = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var creators in sizes)
        {
            var mail = new CountingEmailSender();
            await using var host = await JimpTestHost.StartAsync(o =>
            {
                o.Services = s => s.AddSingleton<IEmailSender>(mail);
                // The throttle is tested elsewhere: here the mailing runs flat out, to count its storage requests.
                Jimp.Tests.Mailings.MailingTestKit.FastMailings(o, perMinute: 100_000, batchSize: 1_000);
            });
            var seed = Stopwatch.StartNew();
            var due = await SeedAsync(host, creators);
            seed.Stop();
            var sp = host.Services;

            // Each job's bound: requests <= a x due + b, whatever the number of creators (the constants are stated
            // in docs/scaling.md; a job that read every row would break them as the size grows).
            async Task Job(string name, int dueCount, Func<Task> run)
            {
                var before = host.Counter.Snapshot();
                var watch = Stopwatch.StartNew();
                await run();
                watch.Stop();
                var cost = host.Counter.Snapshot().Since(before);
                var writes = cost.Total - cost["table:query"] - cost["table:point-read"];
                output.WriteLine($"{creators,8:N0} {seed.Elapsed.TotalSeconds,6:F0} | {name,-22} {dueCount,6:N0} {cost.Total,8:N0} {cost["table:query"],7:N0} {cost["table:point-read"],6:N0} {writes,6:N0} {watch.ElapsedMilliseconds,7:N0} {cost.Total / (double)creators,11:F3}");
                (perCreator.TryGetValue(name, out var list) ? list : perCreator[name] = []).Add(cost.Total / (double)creators);
                var (a, b) = Bounds[name];
                Assert.True(cost.Total <= a * dueCount + b, $"{name} at {creators:N0} creators: {cost.Total} requests for {dueCount} due, over the bound {a} x due + {b} ({cost})");
            }

            host.Clock.Advance(TimeSpan.FromDays(3)); // week 48 is over; the expired sessions and links are due
            await Job("weekly insights", due.Questions, () => sp.GetRequiredService<InsightsService>().RunAsync(default));
            await Job("housekeeping", due.Expired, () => sp.GetRequiredService<Housekeeping>().RunAsync(null, default));
            await Job("inactivity", due.Inactive, async () =>
            {
                // The timer starts the warnings' mailing; the job's cost includes sending it.
                await host.RunTimerAsync("CheckInactiveAccounts");
                foreach (var mailing in await sp.GetRequiredService<Jimp.Functions.Mailings.MailingStore>().ListUnfinishedAsync(default))
                {
                    using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(15));
                    await sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>().WaitForInstanceCompletionAsync(Jimp.Functions.Mailings.BulkMailOrchestration.InstanceIdFor(mailing.Id), patience.Token);
                }
            });
            await Job("log expiry", 0, () => sp.GetRequiredService<LogExpiryService>().RunAsync(default));
            var version = PolicyDocuments.Embedded.Versions.Single(v => v.Version == "2.1.0");
            var sentBefore = mail.Sent;
            await Job("policy announcement", creators, async () =>
            {
                var started = await sp.GetRequiredService<PolicyAnnouncements>().AnnounceAsync(version, sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>(), default);
                // Waited on the engine, not by reading the mailing row: the test's own reads would be counted.
                using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(15));
                await sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>().WaitForInstanceCompletionAsync(Jimp.Functions.Mailings.BulkMailOrchestration.InstanceIdFor(started.MailingId), patience.Token);
            });
            Assert.Equal(creators, mail.Sent - sentBefore);
        }

        // The shape, from the smaller size to the larger: requests per creator stay flat (or fall) for the jobs that
        // cost what is due; they are printed for all, so the ones that grow with the tables show in the figures.
        foreach (var (job, figures) in perCreator)
        {
            output.WriteLine($"requests per creator, {job}: {string.Join(" → ", figures.Select(f => f.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        }
        Assert.True(perCreator["weekly insights"][^1] <= perCreator["weekly insights"][0] * 1.2, "insights grow faster than the people active in the week");
        Assert.True(perCreator["policy announcement"][^1] <= perCreator["policy announcement"][0] * 1.2, "an announcement costs more per recipient at a larger size");
    }

    /// <summary>Per job, (a, b) of the bound requests &lt;= a x due + b.</summary>
    private static readonly Dictionary<string, (double A, int B)> Bounds = new(StringComparer.Ordinal)
    {
        // A question's index row read and its aggregate; the week's partitions and the result writes.
        ["weekly insights"] = (2, 40),
        // The due expiry buckets, deleted in batches of 100, and a few markers and queries per table.
        ["housekeeping"] = (2, 30),
        // Per idle account: its point reads (job, count, mailing), the sent mark, the warned mark; plus the run.
        ["inactivity"] = (6, 40),
        // Nothing due: the list of month tables.
        ["log expiry"] = (0, 5),
        // A sent mark per recipient, a page read and a save per 1,000.
        ["policy announcement"] = (1.1, 30),
    };

    private sealed record Due(int Questions, int Expired, int Inactive);

    /// <summary>The creators, 32 writes in flight.</summary>
    private static async Task<Due> SeedAsync(JimpTestHost host, int creators)
    {
        var accounts = host.Services.GetRequiredService<AccountStore>();
        // The one-time rebuild of the e-mail index under the keyed-hash key happens now, on an empty index, not in the measured housekeeping.
        await accounts.RekeyEmailIndexIfNeededAsync(default);
        // Likewise the sign-in-month index's backfill (marker only, on no accounts): the accounts write their own rows.
        await accounts.BackfillSignInMonthsIfNeededAsync(default);
        var sessions = host.Services.GetRequiredService<SessionStore>();
        var tokens = host.Services.GetRequiredService<SignInTokens>();
        var index = host.Services.GetServices<IQuestionObserver>().OfType<QuestionIndex>().Single();
        var now = host.Clock.GetUtcNow();
        var profile = new CoachProfile { Niches = ["home"], Goals = [], Experience = "beginner", Language = "fr" };
        int questions = 0, expired = 0, inactive = 0;
        await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, creators), new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (i, ct) =>
        {
            var id = Guid.NewGuid().ToString("N");
            var lastSignIn = i % 100 == 1 ? now.AddMonths(-23).AddDays(-3) : now.AddDays(-(i % 300));
            if (i % 100 == 1) Interlocked.Increment(ref inactive);
            await accounts.CreateAsync(new Account(id, $"scale-{id[..16]}@example.test", "fr", lastSignIn, lastSignIn, "2.0.0", lastSignIn, lastSignIn, false, false, false), ct);
            // Sessions spread over their 30 days; 1 % already expired when the jobs run (3 days on).
            var expires = i % 100 == 0 ? now.AddHours(1) : now.AddDays(4 + i % 26);
            if (i % 100 == 0) Interlocked.Increment(ref expired);
            await sessions.CreateAsync(id, "fr", "chrome", now, expires, new SessionContext(false, null), ct);
            if (i % 10 == 0)
            {
                await tokens.CreateAsync(TokenPurpose.SignIn, $"scale-{id[..16]}@example.test", id, "fr", "2.0.0", i % 100 == 0 ? now.AddMinutes(15) : now.AddDays(5), ct);
                if (i % 100 == 0) Interlocked.Increment(ref expired);
                await index.QuestionAskedAsync(id, "0000000000000000000000000", new StoredMessage((9_000_000_000_000_000_000L - i).ToString("D19", System.Globalization.CultureInfo.InvariantCulture), ChatTurn.User, InsightsFixture.HookQuestion, InsightsFixture.InWeek48, MessageStatus.Ok, null, 0, 0), profile, ct);
                Interlocked.Increment(ref questions);
            }
        });
        return new Due(questions, expired, inactive);
    }
}
