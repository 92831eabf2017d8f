using System.Net;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

/// <summary>One host with one operator (signed in once: the per-address link limit is real) for every console row.</summary>
public sealed class ConsoleMatrixHost : IAsyncLifetime
{
    public JimpTestHost Host { get; private set; } = null!;

    public UserClient Operator { get; private set; } = null!;

    public UserClient Creator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await JimpTestHost.StartAsync(o => o.Settings["Operators:Addresses"] = "someone-else@example.test, " + AuthorizationMatrix.OperatorEmail.ToUpperInvariant());
        Operator = await Users.SignUpAsync(Host, AuthorizationMatrix.OperatorEmail);
        Creator = await Users.SignUpAsync(Host);
    }

    public async Task DisposeAsync()
    {
        Operator.Dispose();
        Creator.Dispose();
        await Host.DisposeAsync();
    }
}

public sealed class ConsoleMatrixRunTests(ConsoleMatrixHost fixture) : IClassFixture<ConsoleMatrixHost>
{
    public static TheoryData<string> Rows => new(AuthorizationMatrix.ConsoleCases.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Anonymous_callers_get_401_creators_403_and_operators_succeed(string function)
    {
        var row = AuthorizationMatrix.ConsoleCases[function];
        using (var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path))
        {
            if (row.Body is not null) request.Content = System.Net.Http.Json.JsonContent.Create(row.Body);
            request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
            using var anonymous = await fixture.Host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        }
        using (var creator = await fixture.Creator.SendAsync(new HttpMethod(row.Method), row.Path, row.Body))
        {
            Assert.Equal(HttpStatusCode.Forbidden, creator.StatusCode);
            Assert.DoesNotContain(fixture.Operator.UserId, await creator.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var op = await fixture.Operator.SendAsync(new HttpMethod(row.Method), row.Path, row.Body);
        Assert.True(row.OwnerStatus == (int)op.StatusCode, $"{function} answered {(int)op.StatusCode} to the operator: {await op.Content.ReadAsStringAsync()}");
    }
}
