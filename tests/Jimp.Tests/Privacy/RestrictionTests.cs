using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Email;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Privacy;

/// <summary>The real SMTP sender, with a hook before each send and addresses it refuses (the SMTP server "down" for them).</summary>
public sealed class ProbeEmailSender(IEmailSender inner) : IEmailSender
{
    public Func<EmailMessage, Task>? BeforeSend { get; set; }

    public HashSet<string> FailFor { get; } = new(StringComparer.OrdinalIgnoreCase);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (BeforeSend is { } before) await before(message);
        if (FailFor.Contains(message.To)) throw new IOException("SMTP server unavailable (test).");
        await inner.SendAsync(message, cancellationToken);
    }

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton(sp => new ProbeEmailSender(sp.GetRequiredService<SmtpEmailSender>()));
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<ProbeEmailSender>());
    }
}

/// <summary>A shared host whose e-mail goes through a <see cref="ProbeEmailSender"/>.</summary>
public sealed class ProbeEmailHost : SharedHost
{
    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services = ProbeEmailSender.Register;
    }
}

public sealed class RestrictionTests : IClassFixture<ProbeEmailHost>, IAsyncDisposable
{
    private readonly JimpTestHost host;

    public RestrictionTests(ProbeEmailHost shared)
    {
        host = shared.ForTest();
        Mail.BeforeSend = null; // a hook another test of this host set
    }

    public static readonly object Profile = new { niches = new[] { "beauty" }, goals = new[] { "first-sale" }, experience = "beginner", learningStyle = "step-by-step", country = "FR", language = "fr" };

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private ProbeEmailSender Mail => host.Services.GetRequiredService<ProbeEmailSender>();

    private async Task<(UserClient User, string ConversationId)> OnboardedAsync(string locale = "fr")
    {
        var user = await Users.SignUpAsync(host, locale: locale);
        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/profile", Profile)) Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var created = await user.SendAsync(HttpMethod.Post, "/api/conversations", new { title = "Lives" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (user, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    private static async Task<HttpStatusCode> ChatAsync(UserClient user, string conversationId)
    {
        using var response = await user.SendAsync(HttpMethod.Post, $"/api/conversations/{conversationId}/messages", new { text = "Un conseil pour mon premier live ?" });
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            Assert.Equal("restricted", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        else
        {
            Assert.Contains(await Sse.ReadAllAsync(response), e => e.Name == "done");
        }
        return response.StatusCode;
    }

    private static async Task<List<JsonElement>> RequestsAsync(UserClient user) =>
        (await user.GetJsonAsync("/api/me/requests")).GetProperty("items").EnumerateArray().ToList();

    [Fact]
    public async Task Restriction_stops_the_chat_in_every_session_and_shows_in_me()
    {
        var (user, conversation) = await OnboardedAsync();
        using var _ = user;
        using var phone = await Users.SignInAgainAsync(host, user);
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(phone, conversation));

        using (var put = await user.SendAsync(HttpMethod.Put, "/api/me/restriction"))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.True((await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("restricted").GetBoolean());
        }

        Assert.Equal(HttpStatusCode.Forbidden, await ChatAsync(user, conversation));
        Assert.Equal(HttpStatusCode.Forbidden, await ChatAsync(phone, conversation));
        Assert.True((await user.GetJsonAsync("/api/me")).GetProperty("restricted").GetBoolean());
        Assert.True((await host.Services.GetRequiredService<AccountStore>().GetAsync(user.UserId, default))!.Restricted);
        var request = Assert.Single(await RequestsAsync(user));
        Assert.Equal("restriction", request.GetProperty("type").GetString());
        Assert.Equal("completed", request.GetProperty("status").GetString());
        var events = (await user.GetJsonAsync("/api/me/activity")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetString());
        Assert.Contains("restriction-set", events);
    }

    [Fact]
    public async Task Lifting_emails_the_user_before_the_flag_changes_then_processing_resumes()
    {
        var (user, conversation) = await OnboardedAsync(locale: "en");
        using var _ = user;
        using (await user.SendAsync(HttpMethod.Put, "/api/me/restriction")) { }
        host.Clock.Advance(TimeSpan.FromDays(3));
        var accounts = host.Services.GetRequiredService<AccountStore>();
        bool? restrictedWhenMailed = null;
        Mail.BeforeSend = async m =>
        {
            if (m.To == user.Email) restrictedWhenMailed = (await accounts.GetAsync(user.UserId, default))!.Restricted;
        };

        using (var lift = await user.SendAsync(HttpMethod.Delete, "/api/me/restriction"))
        {
            Assert.Equal(HttpStatusCode.OK, lift.StatusCode);
            Assert.False((await lift.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("restricted").GetBoolean());
        }

        Assert.True(restrictedWhenMailed);
        var notice = Assert.Single(await Mailbox.WaitForAsync(host, user.Email, "JIMP will process your data again"));
        Assert.Contains("restrict processing again", notice.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.False((await user.GetJsonAsync("/api/me")).GetProperty("restricted").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, await ChatAsync(user, conversation));
        Assert.Equal(["restriction-lifted", "restriction"], (await RequestsAsync(user)).Select(r => r.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task The_notice_is_in_french_for_a_french_account()
    {
        var (user, _) = await OnboardedAsync(locale: "fr");
        using var __ = user;
        using (await user.SendAsync(HttpMethod.Put, "/api/me/restriction")) { }
        using (var lift = await user.SendAsync(HttpMethod.Delete, "/api/me/restriction")) Assert.Equal(HttpStatusCode.OK, lift.StatusCode);
        var notice = Assert.Single(await Mailbox.WaitForAsync(host, user.Email, "JIMP va de nouveau traiter vos données"));
        Assert.Contains("limitation du traitement", notice.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task If_the_notice_cannot_be_sent_the_restriction_stays_and_the_answer_is_503()
    {
        var (user, conversation) = await OnboardedAsync();
        using var _ = user;
        using (await user.SendAsync(HttpMethod.Put, "/api/me/restriction")) { }
        Mail.FailFor.Add(user.Email);

        using (var lift = await user.SendAsync(HttpMethod.Delete, "/api/me/restriction"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, lift.StatusCode);
            Assert.Equal("notice-failed", (await lift.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        Assert.True((await user.GetJsonAsync("/api/me")).GetProperty("restricted").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, await ChatAsync(user, conversation));
        Assert.DoesNotContain(await RequestsAsync(user), r => r.GetProperty("type").GetString() == "restriction-lifted");
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(user.Email, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Restricting_twice_records_one_request_and_lifting_an_unrestricted_account_sends_nothing()
    {
        using var user = await Users.SignUpAsync(host);
        using (var lift = await user.SendAsync(HttpMethod.Delete, "/api/me/restriction"))
        {
            Assert.Equal(HttpStatusCode.OK, lift.StatusCode);
            Assert.False((await lift.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("restricted").GetBoolean());
        }
        using (await user.SendAsync(HttpMethod.Put, "/api/me/restriction")) { }
        using (await user.SendAsync(HttpMethod.Put, "/api/me/restriction")) { }
        Assert.Single(await RequestsAsync(user));
        Assert.Equal(0, await Mailbox.SettledCountAsync(host, user.Email, "JIMP va de nouveau traiter vos données", expected: 0));
    }
}
