using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Storage;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Accounts;

/// <summary>
/// Storage faults at the writes of a sign-in (the session, the spending of the link): the link that could not sign in
/// under the fault still signs in, once, when storage is back, and one link never makes two sessions.
/// </summary>
public sealed class SignInFaultTests : IAsyncLifetime
{
    private readonly TargetedStorageFaults faults = new();
    private JimpTestHost host = null!;

    public async Task InitializeAsync() =>
        host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Storage:MaxRetries"] = "2";
            o.Settings["Storage:RetryDelay"] = "00:00:00.020";
            o.Services = s => s.AddSingleton<IStorageWirePolicy>(faults);
        });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_sign_in_whose_session_write_fails_signs_in_with_the_same_link_once_storage_is_back()
    {
        var token = await LinkAsync("session-down");

        faults.Fail(SessionStore.Table);
        await RefusedUnderTheFaultAsync(token);
        faults.Heal();

        await SignsInOnceAsync(token);
    }

    [Fact]
    public async Task A_sign_in_whose_link_cannot_be_spent_leaves_no_session_and_signs_in_once_storage_is_back()
    {
        var token = await LinkAsync("spend-down");

        faults.Fail(SignInTokens.Table, writesOnly: true);
        await RefusedUnderTheFaultAsync(token);
        faults.Heal();

        var userId = await SignsInOnceAsync(token);
        // The session made before the spend failed was deleted: only the one handed out is left.
        Assert.Equal(1, await SessionRowsAsync(userId));
    }

    [Fact]
    public async Task A_spend_whose_answer_is_lost_and_retried_still_signs_in()
    {
        var token = await LinkAsync("spend-lost");

        // The spend reaches storage, its answer does not: the SDK sends it again and meets the row it already wrote.
        faults.LoseAnswerOnce(SignInTokens.Table);
        using var verified = await Users.VerifyAsync(host, token);

        Assert.Equal(1, faults.Injected);
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        var cookie = Users.SessionCookie(verified);
        Assert.NotNull(cookie);
        var userId = (await verified.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("userId").GetString()!;
        using var user = new UserClient(host, "", cookie, userId);
        using (var me = await user.GetAsync("/api/me")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var again = await Users.VerifyAsync(host, token);
        Assert.Equal("token-used", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_sign_up_whose_address_index_answer_is_lost_and_retried_still_creates_the_account()
    {
        var token = await LinkAsync("index-lost");

        // The new address's index entry reaches storage, its answer does not: the SDK sends it again and meets the entry
        // it wrote itself (found by the fault suite, seed 77159748: this answered 409 account-erasing, and so did every
        // attempt of the link for two minutes).
        faults.LoseAnswerOnce(AccountStore.EmailIndexTable);
        var userId = await SignsInOnceAsync(token);

        Assert.Equal(1, faults.Injected);
        Assert.NotNull(await host.Services.GetRequiredService<AccountStore>().GetAsync(userId, default));
    }

    [Fact]
    public async Task A_sign_up_whose_account_write_fails_creates_the_account_with_the_same_link_once_storage_is_back()
    {
        var token = await LinkAsync("account-down");

        // The index entry is written, the account row is refused: the retry with the same link finishes that account.
        faults.Fail(AccountStore.UsersTable, writesOnly: true);
        await RefusedUnderTheFaultAsync(token);
        faults.Heal();

        var userId = await SignsInOnceAsync(token);
        var index = await host.Storage.TableAsync(AccountStore.EmailIndexTable);
        var entries = 0;
        await foreach (var e in index.QueryAsync<TableEntity>(x => x.RowKey == AccountStore.IndexRow))
        {
            if (e.GetString("UserId") == userId) entries++;
        }
        Assert.Equal(1, entries);
    }

    [Fact]
    public async Task One_link_followed_by_several_browsers_at_once_makes_one_session()
    {
        using var account = await Users.SignUpAsync(host);
        using (var link = await Users.RequestLinkAsync(host, Users.LinkBody(account.Email))) Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        var token = await Users.ReadTokenFromMailAsync(host, account.Email, expectedMails: 2);

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Users.VerifyAsync(host, token)));

        try
        {
            var signedIn = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
            foreach (var refused in answers.Where(a => a != signedIn))
            {
                Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
                Assert.Equal("token-used", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
                Assert.Null(Users.SessionCookie(refused));
            }
            Assert.Equal(account.UserId, (await signedIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("userId").GetString());
            // The sign-up's session and the winner's: the others deleted the sessions they made.
            Assert.Equal(2, await SessionRowsAsync(account.UserId));
        }
        finally
        {
            foreach (var answer in answers) answer.Dispose();
        }
    }

    private async Task<string> LinkAsync(string hint)
    {
        await TestSmtp.EnsureAsync();
        var email = Users.NewEmail(hint);
        using (var link = await Users.RequestLinkAsync(host, Users.LinkBody(email))) Assert.Equal(HttpStatusCode.Accepted, link.StatusCode);
        return await Users.ReadTokenFromMailAsync(host, email);
    }

    /// <summary>Under the fault the link is refused as storage being unavailable (503), with no session, and it was the fault.</summary>
    private async Task RefusedUnderTheFaultAsync(string token)
    {
        using (var down = await Users.VerifyAsync(host, token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("storage-unavailable", (await down.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
            Assert.Null(Users.SessionCookie(down));
        }
        Assert.True(faults.Injected > 0);
    }

    /// <summary>The link signs in (a working session), then answers "already used"; returns the user id.</summary>
    private async Task<string> SignsInOnceAsync(string token)
    {
        string userId;
        using (var back = await Users.VerifyAsync(host, token))
        {
            Assert.Equal(HttpStatusCode.OK, back.StatusCode);
            var cookie = Users.SessionCookie(back);
            Assert.NotNull(cookie);
            userId = (await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("user").GetProperty("userId").GetString()!;
            using var user = new UserClient(host, "", cookie, userId);
            using var me = await user.GetAsync("/api/me");
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }
        using var again = await Users.VerifyAsync(host, token);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Equal("token-used", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Null(Users.SessionCookie(again));
        return userId;
    }

    private async Task<int> SessionRowsAsync(string userId)
    {
        var sessions = await host.Storage.TableAsync(SessionStore.Table);
        var n = 0;
        // The user's rows in the day buckets (row = {userId}-{hash}) and in the old-shape partition.
        await foreach (var e in sessions.QueryAsync<TableEntity>())
        {
            if (e.PartitionKey == userId || e.RowKey.StartsWith(userId + "-", StringComparison.Ordinal)) n++;
        }
        return n;
    }
}

/// <summary>
/// Storage faults on the wire for the requests to one table: every attempt answered 503 while set, or the answer of
/// the next write lost after storage applied it (a timeout the SDK retries).
/// </summary>
public sealed class TargetedStorageFaults : HttpPipelinePolicy, IStorageWirePolicy
{
    private volatile string? table;
    private volatile bool writesOnly;
    private volatile bool loseAnswer;
    private int injected;

    public HttpPipelinePolicy Policy => this;

    public int Injected => Volatile.Read(ref injected);

    public void Fail(string name, bool writesOnly = false)
    {
        this.writesOnly = writesOnly;
        loseAnswer = false;
        table = name;
    }

    public void LoseAnswerOnce(string name)
    {
        writesOnly = true;
        loseAnswer = true;
        table = name;
    }

    public void Heal() => table = null;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Targeted(message.Request))
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }
        Interlocked.Increment(ref injected);
        if (loseAnswer)
        {
            table = null;
            await ProcessNextAsync(message, pipeline);
            throw new TaskCanceledException("Injected: the answer was lost.", new TimeoutException("Injected network timeout."));
        }
        message.Response = new StorageFaults.FaultResponse(503, "Server Busy");
    }

    private bool Targeted(Request request)
    {
        if (table is not { } name) return false;
        if (writesOnly && request.Method == RequestMethod.Get) return false;
        var last = Uri.UnescapeDataString(request.Uri.Path).TrimEnd('/').Split('/')[^1];
        var paren = last.IndexOf('(', StringComparison.Ordinal);
        return (paren < 0 ? last : last[..paren]).EndsWith(name, StringComparison.Ordinal);
    }
}
