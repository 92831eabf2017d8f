using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Privacy;
using Jimp.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

/// <summary>Fails one activity every time until healed, as storage down for longer than the activity's retries last.</summary>
public sealed class FailUntilHealed(string activity) : IActivityFaults
{
    private int failures;

    public volatile bool Healed;

    public int Failures => Volatile.Read(ref failures);

    public void BeforeRun(string name, string key)
    {
        if (name == activity && !Healed)
        {
            Interlocked.Increment(ref failures);
            throw new InvalidOperationException($"Injected failure in {name}");
        }
    }
}

/// <summary>A user-requested erasure whose orchestration fails is started again by housekeeping and finishes.</summary>
public sealed class ErasureRecoveryTests
{
    [Fact]
    public async Task A_user_requested_erasure_that_failed_is_started_again_by_housekeeping_and_leaves_nothing()
    {
        var faults = new FailUntilHealed(nameof(ErasureOrchestration.EraseStore));
        await using var host = await JimpTestHost.StartAsync(o => o.Services = s => s.AddSingleton<IActivityFaults>(faults));
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);

        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        // Every attempt of the first store's activity fails: the orchestration uses up its retries and fails.
        var failed = await host.WaitForOrchestrationAsync(ErasureOrchestration.InstanceIdFor(requestId));
        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Contains(user.UserId, string.Join("\n", await host.ScanTablesAsync()), StringComparison.Ordinal);

        // The dependency is back: the next housekeeping run starts it again, and it finishes.
        faults.Healed = true;
        await host.RunTimerAsync("RunHousekeeping");
        var resumed = await host.WaitForOrchestrationAsync(ErasureOrchestration.InstanceIdFor(requestId));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, resumed.RuntimeStatus);
        await PrivacyFixture.WaitForErasureAsync(host, requestId);

        Assert.True(faults.Failures >= 5, $"only {faults.Failures} failures were injected");
        var everything = string.Join("\n", [.. await host.ScanTablesAsync(), .. await host.ScanBlobsAsync()]);
        Assert.DoesNotContain(user.UserId, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, everything, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP a été supprimé", expected: 1));
        var request = (await host.Services.GetRequiredService<RequestTracker>().ListOpenAsync(default)).Where(r => r.Id == requestId);
        Assert.Empty(request);
        Assert.Contains(host.Logs.Lines, l => l.Contains("started again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Housekeeping_leaves_running_and_finished_erasures_alone()
    {
        await using var host = await JimpTestHost.StartAsync();
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        using var response = await user.Client.SendAsync(HttpMethod.Post, "/api/me/erasure", new { confirm = user.Email });
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        await PrivacyFixture.WaitForErasureAsync(host, requestId);
        var recovery = host.Services.GetRequiredService<ErasureRecovery>();
        Assert.Equal(0, await recovery.ResumeUnfinishedAsync(host.Services.GetRequiredService<DurableTaskClient>(), default));
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP a été supprimé", expected: 1));
    }
}
