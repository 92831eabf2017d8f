using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Retention;

[Collection(SharedHostCollection.Name)]
public sealed class InactivityTests(SharedHost shared)
{
    /// <summary>A test's host; <paramref name="indexed"/>: after the sign-in-month index's backfill (the due months are read), else before it (the filter over users).</summary>
    private async Task<JimpTestHost> HostAsync(bool indexed)
    {
        var host = shared.ForTest();
        if (indexed) await host.Services.GetRequiredService<AccountStore>().BackfillSignInMonthsIfNeededAsync(CancellationToken.None);
        return host;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_warning_at_23_months_an_erasure_at_24_and_a_restricted_user_untouched(bool indexed)
    {
        await using var host = await HostAsync(indexed);
        var idle = await PrivacyFixture.UserWithDataEverywhereAsync(host);
        using var restricted = await Users.SignUpAsync(host);
        using (var r = await restricted.SendAsync(HttpMethod.Put, "/api/me/restriction")) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        host.Clock.Advance(TimeSpan.FromDays(30 * 22));
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, idle.Email, "Votre compte JIMP va être supprimé", expected: 0));

        host.Clock.Advance(TimeSpan.FromDays(30 * 1 + 15)); // now past 23 months
        await host.RunTimerAsync("CheckInactiveAccounts");
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, idle.Email, "Votre compte JIMP va être supprimé", expected: 1));
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, restricted.Email, "Votre compte JIMP va être supprimé", expected: 0));

        host.Clock.Advance(TimeSpan.FromDays(31)); // now past 24 months
        await host.RunTimerAsync("CheckInactiveAccounts");
        await Eventually.ReadAsync(host.ScanTablesAsync, lines => !lines.Any(l => l.Contains(idle.UserId, StringComparison.Ordinal)));

        var everything = string.Join("\n", await host.ScanTablesAsync());
        Assert.DoesNotContain(idle.UserId, everything, StringComparison.Ordinal);
        Assert.Contains(restricted.UserId, everything, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Signing_in_again_resets_the_count(bool indexed)
    {
        await using var host = await HostAsync(indexed);
        using var user = await Users.SignUpAsync(host);
        host.Clock.Advance(TimeSpan.FromDays(30 * 23 + 10));
        using (await Users.RequestLinkAsync(host, Users.LinkBody(user.Email))) { }
        using (var again = await Users.VerifyAsync(host, await Users.ReadTokenFromMailAsync(host, user.Email, expectedMails: 2))) Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, user.Email, "Votre compte JIMP va être supprimé", expected: 0));
    }

    private const string Warning = "Votre compte JIMP va être supprimé";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warned_then_signed_in_then_inactive_again_is_warned_again(bool indexed)
    {
        await using var host = await HostAsync(indexed);
        using var user = await Users.SignUpAsync(host);
        host.Clock.Advance(TimeSpan.FromDays(30 * 23 + 10));
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, Warning, expected: 1));

        // Signs in after the warning: a new period of inactivity starts (the warning mark stays on the row: it is older).
        using (await Users.RequestLinkAsync(host, Users.LinkBody(user.Email))) { }
        using (var again = await Users.VerifyAsync(host, await Users.ReadTokenFromMailAsync(host, user.Email, expectedMails: 2))) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, Warning, expected: 1));

        host.Clock.Advance(TimeSpan.FromDays(30 * 23 + 10));
        await host.RunTimerAsync("CheckInactiveAccounts");
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(2, await Mailbox.SettledCountAsync(host, user.Email, Warning, expected: 2));
    }

    [Fact]
    public async Task An_account_update_is_a_merge_that_keeps_the_inactivity_mark()
    {
        await using var host = shared.ForTest();
        using var user = await Users.SignUpAsync(host);
        var accounts = host.Services.GetRequiredService<AccountStore>();
        var readBefore = await accounts.GetAsync(user.UserId, CancellationToken.None);

        host.Clock.Advance(TimeSpan.FromDays(30 * 23 + 10));
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(1, await Mailbox.SettledCountAsync(host, user.Email, Warning, expected: 1));

        // An update from a record read before the warning (as a concurrent request would hold) must not wipe it.
        await accounts.UpdateAsync(readBefore! with { Locale = "en" }, CancellationToken.None);
        var users = await host.Storage.TableAsync(AccountStore.UsersTable, CancellationToken.None);
        var row = (await users.GetEntityAsync<TableEntity>(user.UserId, AccountStore.AccountRow)).Value;
        Assert.Equal("en", row.GetString("Locale"));
        Assert.NotNull(row.GetDateTimeOffset(nameof(Account.InactivityWarnedAt)));
        var after = await accounts.GetAsync(user.UserId, CancellationToken.None);
        Assert.True(after!.WarnedSinceLastSignIn);

        // So the job does not warn twice in the same period.
        await host.RunTimerAsync("CheckInactiveAccounts");
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, user.Email, "Your JIMP account will be deleted", expected: 0));
    }

    [Fact]
    public void Only_the_accounts_feature_touches_its_tables()
    {
        // Other features go through AccountStore's methods. The accounts feature declares its own stores to the
        // privacy registry (Accounts/AccountsPersonalData.cs); only the erasure names the users table, to empty it last.
        var root = Path.Combine(TestAzurite.RepositoryRoot, "functions", "Jimp.Functions");
        string[] declaresOnly = ["ErasureOrchestration.cs"];
        var offenders = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Accounts{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !declaresOnly.Contains(Path.GetFileName(f)))
            .Where(f => File.ReadAllText(f) is var code && (code.Contains("AccountStore.UsersTable", StringComparison.Ordinal) || code.Contains("AccountStore.EmailIndexTable", StringComparison.Ordinal) || code.Contains("SignInMonths.Table", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.True(offenders.Count == 0, "reads or writes the accounts tables directly: " + string.Join(", ", offenders));
    }
}
