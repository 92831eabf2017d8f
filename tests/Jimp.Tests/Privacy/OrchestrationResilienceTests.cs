using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

/// <summary>Fails each activity's first attempt for a given key, as a crash or a transient fault would.</summary>
public sealed class FailFirstAttempt : IActivityFaults
{
    private readonly ConcurrentDictionary<string, byte> seen = new(StringComparer.Ordinal);

    public int Injected => seen.Count;

    /// <summary>Every attempt in the order they ran: the activity, its key, and whether it was the first (failed).</summary>
    public ConcurrentQueue<(string Activity, string Key, bool First)> Attempts { get; } = new();

    public void BeforeRun(string activity, string key)
    {
        var first = seen.TryAdd(activity + "/" + key, 0);
        Attempts.Enqueue((activity, key, first));
        if (first)
        {
            throw new InvalidOperationException($"Injected failure in {activity}");
        }
    }
}

[Collection(SharedHostCollection.Name)]
public sealed class OrchestrationResilienceTests(SharedHost shared)
{
    [Fact]
    public async Task Each_export_activity_run_twice_gives_the_same_result_and_one_email()
    {
        await using var host = shared.ForTest();
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        // Returns once the orchestration finished, its own e-mail activity included, before activities run again.
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        var activities = ActivatorUtilities.CreateInstance<ExportOrchestration>(host.Services);
        var input = new ExportInput(user.UserId, exportId, "fr");

        var first = await activities.ExportStorePart(new ExportPartInput(user.UserId, exportId, "conversations"));
        var second = await activities.ExportStorePart(new ExportPartInput(user.UserId, exportId, "conversations"));
        Assert.Equal(first, second);
        Assert.True(first >= 3);

        await activities.AssembleExport(input);
        await activities.AssembleExport(input);
        using (var zip = await PrivacyFixture.DownloadAsync(user.Client, exportId))
        {
            Assert.NotNull(zip.GetEntry("data.json"));
        }

        await activities.SendExportReadyEmail(input);
        await activities.SendExportReadyEmail(input);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Vos données JIMP sont prêtes", expected: 1));
    }

    [Fact]
    public async Task Each_erasure_activity_run_twice_gives_the_same_result()
    {
        await using var host = shared.ForTest();
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var activities = ActivatorUtilities.CreateInstance<ErasureOrchestration>(host.Services);
        var input = new ErasureInput(user.UserId, "test-request-1", ErasureReasons.UserRequest);

        var planFirst = await activities.BeginErasure(input);
        var planSecond = await activities.BeginErasure(input);
        Assert.Equal(planFirst.Stores, planSecond.Stores);
        Assert.Equal(planFirst.Email, planSecond.Email);
        Assert.Equal("users", planFirst.Stores[^1]);

        var confirmation = new ErasureConfirmation(input.RequestId, planFirst.Email!, planFirst.Locale);
        await activities.SendErasureConfirmation(confirmation);
        await activities.SendErasureConfirmation(confirmation);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP a été supprimé", expected: 1));

        var erased = await activities.EraseStore(new EraseStoreInput(user.UserId, "conversations"));
        var again = await activities.EraseStore(new EraseStoreInput(user.UserId, "conversations"));
        Assert.True(erased >= 3);
        Assert.Equal(0, again);
    }
}

/// <summary>
/// Orchestrations whose activities each fail once, on hosts of their own (the faults are the host's services). A class
/// of its own rather than in <see cref="SharedHostCollection"/>: its tests wait out the activities' retries (a second
/// each), and the collection's classes run one after another.
/// </summary>
public sealed class OrchestrationRetryTests
{
    [Fact]
    public async Task An_export_whose_activities_each_fail_once_still_completes_with_one_email()
    {
        var faults = new FailFirstAttempt();
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Services = s => s.AddSingleton<IActivityFaults>(faults);
            // The e-mail's activity fails once too: its retry waits this, not the 5 s an SMTP outage is given.
            o.Settings["Email:RetryFirstInterval"] = "00:00:00.500";
        });
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);

        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);

        Assert.True(faults.Injected >= 10, $"only {faults.Injected} failures were injected");
        // The stores' parts ran at once: every part's first attempt came before any part's retry (one after another,
        // each part waited for the one before it to be retried).
        var parts = faults.Attempts.Where(a => a.Activity == nameof(ExportOrchestration.ExportStorePart)).ToList();
        Assert.True(parts.Count(a => a.First) >= 10, $"{parts.Count(a => a.First)} parts");
        Assert.Equal(parts.Count(a => a.First), parts.TakeWhile(a => a.First).Count());
        using (var zip = await PrivacyFixture.DownloadAsync(user.Client, exportId))
        {
            using var data = JsonDocument.Parse(zip.GetEntry("data.json")!.Open());
            Assert.Contains(data.RootElement.GetProperty("stores").GetProperty("conversations").EnumerateArray(),
                r => r.TryGetProperty("text", out var t) && t.GetString() == user.MessageText);
        }
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Vos données JIMP sont prêtes", expected: 1));
    }

    [Fact]
    public async Task An_erasure_whose_activities_each_fail_once_still_completes_with_one_confirmation()
    {
        var faults = new FailFirstAttempt();
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Services = s => s.AddSingleton<IActivityFaults>(faults);
            // The e-mail's activity fails once too: its retry waits this, not the 5 s an SMTP outage is given.
            o.Settings["Email:RetryFirstInterval"] = "00:00:00.500";
        });
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);

        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        await PrivacyFixture.WaitForErasureAsync(host, requestId);

        Assert.True(faults.Injected >= 10, $"only {faults.Injected} failures were injected");
        var everything = string.Join("\n", await host.ScanTablesAsync());
        Assert.DoesNotContain(user.UserId, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, everything, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP a été supprimé", expected: 1));
    }
}
