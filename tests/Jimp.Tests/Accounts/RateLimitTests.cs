using System.Net;
using Jimp.Tests.Support;

namespace Jimp.Tests.Accounts;

[Collection(SharedHostCollection.Name)]
public sealed class RateLimitTests(SharedHost shared)
{
    [Fact]
    public async Task The_sixth_link_for_one_address_in_an_hour_is_429_with_retry_after()
    {
        await using var host = shared.ForTest();
        var email = Users.NewEmail("limit");
        for (var i = 0; i < 5; i++)
        {
            using var ok = await Users.RequestLinkAsync(host, Users.LinkBody(email));
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        }
        using var sixth = await Users.RequestLinkAsync(host, Users.LinkBody(email));
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        var retryAfter = int.Parse(sixth.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3600);

        host.Clock.Advance(TimeSpan.FromHours(1));
        using var later = await Users.RequestLinkAsync(host, Users.LinkBody(email));
        Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
    }

    [Fact]
    public async Task The_31st_link_from_one_ip_in_an_hour_is_429()
    {
        await using var host = await JimpTestHost.StartAsync(o => o.Settings["Accounts:LinksPerIpPerHour"] = "30");
        for (var i = 0; i < 30; i++)
        {
            using var ok = await Users.RequestLinkAsync(host, Users.LinkBody(Users.NewEmail("ip")), forwardedFor: "203.0.113.7");
            Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
        }
        using var limited = await Users.RequestLinkAsync(host, Users.LinkBody(Users.NewEmail("ip")), forwardedFor: "203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.Contains("Retry-After"));

        using var otherIp = await Users.RequestLinkAsync(host, Users.LinkBody(Users.NewEmail("ip")), forwardedFor: "198.51.100.9");
        Assert.Equal(HttpStatusCode.Accepted, otherIp.StatusCode);
    }

    [Fact]
    public async Task Many_hits_on_one_key_at_once_are_all_counted_and_none_is_refused_below_the_limit()
    {
        await using var host = shared.ForTest();
        var limits = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Jimp.Functions.Platform.RateLimits>(host.Services);
        var key = "load-test:" + Guid.NewGuid().ToString("N");
        var window = TimeSpan.FromHours(1);
        // 20 at once on one row (one network's sign-ins): every one counted, none refused.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => limits.HitAsync(key, 25, window, default)));
        // Exactly 20 were counted: 5 more are allowed, the 26th is refused.
        for (var i = 0; i < 5; i++) await limits.HitAsync(key, 25, window, default);
        var refused = await Assert.ThrowsAsync<Jimp.Functions.Platform.Http.ProblemException>(() => limits.HitAsync(key, 25, window, default));
        Assert.Equal(429, refused.Status);
    }

    [Fact]
    public async Task Too_many_verification_attempts_from_one_ip_are_429()
    {
        await using var host = await JimpTestHost.StartAsync(o => o.Settings["Accounts:VerificationsPerIpPerHour"] = "3");
        for (var i = 0; i < 3; i++)
        {
            using var bad = await Users.VerifyAsync(host, new string('B', 43));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
        using var limited = await Users.VerifyAsync(host, new string('B', 43));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
    }
}
