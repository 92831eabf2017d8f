using System.Net;
using Jimp.Functions.Accounts;
using Jimp.Functions.Privacy;
using Jimp.Functions.Retention;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Jimp.PrivacyRegister;

namespace Jimp.Tests.Retention;

/// <summary>
/// Every retention period as written, walked with the clock: sign-in links (15 minutes, the address never in clear),
/// export records and their files (7 days), and the register's figures against the code's defaults.
/// </summary>
public sealed class RetentionExactnessTests(SharedHost shared) : IClassFixture<SharedHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private async Task<List<string>> RowsAsync(string table) =>
        (await host.ScanTablesAsync()).Where(l => l.StartsWith(host.Prefix + table + ":", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_sign_in_link_row_goes_at_the_first_housekeeping_after_its_15_minutes_and_never_holds_the_address_in_clear()
    {
        var email = Users.NewEmail("retention");
        using (var sent = await Users.RequestLinkAsync(host, Users.LinkBody(email))) Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var token = await Users.ReadTokenFromMailAsync(host, email);
        var row = Assert.Single(await RowsAsync(SignInTokens.Table));
        Assert.DoesNotContain(email, row, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(email.Split('@')[0], row, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("SealedEmail=", row, StringComparison.Ordinal);

        var lifetime = new AccountsOptions().SignInLinkLifetime;
        host.Clock.Advance(lifetime - TimeSpan.FromSeconds(1));
        await host.RunTimerAsync("RunHousekeeping");
        Assert.Single(await RowsAsync(SignInTokens.Table)); // still valid: kept

        host.Clock.Advance(TimeSpan.FromSeconds(2));
        await host.RunTimerAsync("RunHousekeeping");
        Assert.Empty(await RowsAsync(SignInTokens.Table));
        // A late click is refused like any unknown link, and nothing is stored.
        using (var late = await Users.VerifyAsync(host, token)) Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.DoesNotContain(await host.ScanTablesAsync(), l => l.StartsWith(host.Prefix + "users:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_used_link_goes_too_and_the_address_sealed_in_it_opens_only_with_the_token()
    {
        using var user = await Users.SignUpAsync(host);
        // Signing up used the link: the row keeps no address at all, sealed or not.
        var used = Assert.Single(await RowsAsync(SignInTokens.Table));
        Assert.DoesNotContain("SealedEmail=", used, StringComparison.Ordinal);
        Assert.Contains("UsedAt=", used, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Email, used, StringComparison.OrdinalIgnoreCase);

        host.Clock.Advance(new AccountsOptions().SignInLinkLifetime + TimeSpan.FromSeconds(1));
        await host.RunTimerAsync("RunHousekeeping");
        Assert.Empty(await RowsAsync(SignInTokens.Table));
    }

    [Fact]
    public async Task An_export_record_and_its_file_are_deleted_together_7_days_after_creation()
    {
        var user = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        var exportId = await PrivacyFixture.ExportAndWaitAsync(host, user.Client);
        var blob = host.Storage.Container(ExportArchiveStore.Container).GetBlobClient(ExportRecords.BlobName(user.UserId, exportId));

        host.Clock.Advance(ExportRecords.Lifetime - TimeSpan.FromMinutes(1));
        await host.RunTimerAsync("RunHousekeeping");
        Assert.True((await blob.ExistsAsync()).Value);
        Assert.Contains(await RowsAsync(ExportRecords.Table), l => l.Contains("RowKey=" + exportId, StringComparison.Ordinal));

        host.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.RunTimerAsync("RunHousekeeping");
        Assert.False((await blob.ExistsAsync()).Value);
        Assert.DoesNotContain(await RowsAsync(ExportRecords.Table), l => l.Contains("RowKey=" + exportId, StringComparison.Ordinal));
        Assert.DoesNotContain((await user.Client.GetJsonAsync("/api/me/exports")).GetProperty("items").EnumerateArray(),
            e => e.GetProperty("id").GetString() == exportId);
    }

    [Fact]
    public void Every_retention_figure_of_the_register_is_the_codes_default()
    {
        var register = File.ReadAllText(RepositoryFiles.Path("docs", "privacy", "register.md"));
        var stores = RegisterRenderer.LoadStores().ToDictionary(s => s.Name, s => s.Retention, StringComparer.Ordinal);
        var accounts = new AccountsOptions();
        var retention = new RetentionOptions();
        var problems = new List<string>();

        void Says(string store, string phrase)
        {
            if (!stores.TryGetValue(store, out var declared)) problems.Add($"store {store} is not declared");
            else if (!declared.Contains(phrase, StringComparison.Ordinal)) problems.Add($"store {store} declares \"{declared}\", the code's default is \"{phrase}\"");
            if (!register.Contains($"| `{store}` | {declared}", StringComparison.Ordinal)) problems.Add($"register.md is stale for {store} (run scripts/privacy-register.sh)");
        }

        Says(SignInTokens.Table, $"{accounts.SignInLinkLifetime.TotalMinutes:0} minutes");
        Says(SessionStore.Table, $"{accounts.SessionLifetime.TotalDays:0} days");
        Says(ExportRecords.Table, $"{ExportRecords.Lifetime.TotalDays:0} days after creation");
        Says(ExportArchiveStore.Container, $"{ExportRecords.Lifetime.TotalDays:0} days after creation");
        Says("securitylog{yyyyMM}", $"{retention.LogMonths} months");
        Says(MinorBlocklist.Table, $"{new OperatorOptions().MinorBlockRetention.TotalDays:0} days");
        Says("users", $"{retention.InactivityErasureMonths} months without sign-in");
        if (!register.Contains($"| Finished export and erasure task histories | {Housekeeping.OrchestrationHistoryKept.TotalDays:0} days |", StringComparison.Ordinal))
            problems.Add("register.md: the task histories' retention is not Housekeeping.OrchestrationHistoryKept");

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }
}
