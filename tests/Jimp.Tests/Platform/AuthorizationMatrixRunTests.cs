using System.Net;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

/// <summary>Shares one host for every row of the matrix.</summary>
public sealed class MatrixHost : IAsyncLifetime
{
    public JimpTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await JimpTestHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

public sealed class AuthorizationMatrixRunTests(MatrixHost fixture) : IClassFixture<MatrixHost>
{
    public static TheoryData<string> Rows => new(AuthorizationMatrix.Cases.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> OperatorRows => new(AuthorizationMatrix.OperatorCases.Keys.Order(StringComparer.Ordinal).DefaultIfEmpty("(none)"));

    private JimpTestHost Host => fixture.Host;

    private async Task<(UserClient Owner, UserClient Other, IReadOnlyDictionary<string, string> Ids)> UsersAsync()
    {
        var owner = await Users.SignUpAsync(Host);
        var other = await Users.SignUpAsync(Host);
        return (owner, other, await AuthorizationMatrix.CreateOwnerResourcesAsync(Host, owner));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Anonymous_callers_get_401(string function)
    {
        var row = AuthorizationMatrix.Cases[function];
        var (owner, other, ids) = await UsersAsync();
        using (owner)
        using (other)
        {
            using var request = new HttpRequestMessage(new HttpMethod(row.Method), AuthorizationMatrix.Fill(row.Path, ids));
            if (row.BodyFor(owner) is { } body) request.Content = body as HttpContent ?? System.Net.Http.Json.JsonContent.Create(body);
            request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
            using var response = await Host.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Another_user_gets_404_for_the_owners_ids_and_never_the_owners_data(string function)
    {
        var row = AuthorizationMatrix.Cases[function];
        var (owner, other, ids) = await UsersAsync();
        using (owner)
        using (other)
        {
            using var response = await other.SendAsync(new HttpMethod(row.Method), AuthorizationMatrix.Fill(row.Path, ids), row.BodyFor(owner));
            var body = await response.Content.ReadAsStringAsync();
            if (row.UsesOwnerIds)
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
            Assert.DoesNotContain(owner.UserId, body, StringComparison.Ordinal);
            Assert.DoesNotContain(owner.Email, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task The_owner_succeeds(string function)
    {
        var row = AuthorizationMatrix.Cases[function];
        var (owner, other, ids) = await UsersAsync();
        using (owner)
        using (other)
        {
            using var response = await owner.SendAsync(new HttpMethod(row.Method), AuthorizationMatrix.Fill(row.Path, ids), row.BodyFor(owner));
            Assert.True(row.OwnerStatus == (int)response.StatusCode, $"{function} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Theory]
    [MemberData(nameof(OperatorRows))]
    public async Task Operator_functions_need_the_function_key(string function)
    {
        if (!AuthorizationMatrix.OperatorCases.TryGetValue(function, out var row))
        {
            Assert.Empty(AuthorizationMatrix.OperatorCases);
            return;
        }
        using var anonymous = new HttpRequestMessage(new HttpMethod(row.Method), row.Path);
        if (row.Body is not null) anonymous.Content = System.Net.Http.Json.JsonContent.Create(row.Body);
        using (var refused = await Host.Client.SendAsync(anonymous)) Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var keyed = new HttpRequestMessage(new HttpMethod(row.Method), row.Path);
        if (row.Body is not null) keyed.Content = System.Net.Http.Json.JsonContent.Create(row.Body);
        keyed.Headers.Add("x-functions-key", JimpTestHost.FunctionKey);
        using var accepted = await Host.Client.SendAsync(keyed);
        Assert.Equal(row.OwnerStatus, (int)accepted.StatusCode);
    }
}
