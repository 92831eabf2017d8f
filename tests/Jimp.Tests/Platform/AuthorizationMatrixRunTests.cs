using System.Net;
using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

/// <summary>
/// One host for every row of a matrix class, and one owner with every kind of resource for the rows that only aim at
/// them (anonymous callers, another user): those rows cannot change the owner's data (a row that did would fail), so
/// the owner is made once, not once per row. The owner's own rows change their data (log out, erase, delete): each
/// makes its own owner.
/// </summary>
public sealed class MatrixHost : IAsyncLifetime
{
    private Lazy<Task<(UserClient Owner, IReadOnlyDictionary<string, string> Ids)>>? owner;

    public JimpTestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await JimpTestHost.StartAsync();
        owner = new(() => NewOwnerAsync(Host));
    }

    /// <summary>The owner the anonymous and other-user rows aim at, with the ids of their resources (made on first use).</summary>
    public Task<(UserClient Owner, IReadOnlyDictionary<string, string> Ids)> SharedOwnerAsync() => owner!.Value;

    /// <summary>A new signed-up owner with every kind of resource the rows name.</summary>
    public static async Task<(UserClient Owner, IReadOnlyDictionary<string, string> Ids)> NewOwnerAsync(JimpTestHost host)
    {
        var user = await Users.SignUpAsync(host);
        return (user, await AuthorizationMatrix.CreateOwnerResourcesAsync(host, user));
    }

    public async Task DisposeAsync()
    {
        if (owner is { IsValueCreated: true } made && made.Value.IsCompletedSuccessfully) made.Value.Result.Owner.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Anonymous callers and another user against every signed-in row, and the operator rows (the owner's rows: <see cref="AuthorizationMatrixOwnerRunTests"/>).</summary>
public sealed class AuthorizationMatrixRunTests(MatrixHost fixture) : IClassFixture<MatrixHost>
{
    public static TheoryData<string> Rows => new(AuthorizationMatrix.Cases.Keys.Order(StringComparer.Ordinal));

    public static TheoryData<string> OperatorRows => new(AuthorizationMatrix.OperatorCases.Keys.Order(StringComparer.Ordinal).DefaultIfEmpty("(none)"));

    private JimpTestHost Host => fixture.Host;

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Anonymous_callers_get_401(string function)
    {
        var row = AuthorizationMatrix.Cases[function];
        var (owner, ids) = await fixture.SharedOwnerAsync();
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), AuthorizationMatrix.Fill(row.Path, ids));
        if (row.BodyFor(owner) is { } body) request.Content = body as HttpContent ?? System.Net.Http.Json.JsonContent.Create(body);
        request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
        using var response = await Host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Another_user_gets_404_for_the_owners_ids_and_never_the_owners_data(string function)
    {
        var row = AuthorizationMatrix.Cases[function];
        var (owner, ids) = await fixture.SharedOwnerAsync();
        // A new other user per row: their own rows log them out, erase or change their account.
        using var other = await Users.SignUpAsync(Host);
        using var response = await other.SendAsync(new HttpMethod(row.Method), AuthorizationMatrix.Fill(row.Path, ids), row.BodyFor(owner));
        var body = await response.Content.ReadAsStringAsync();
        if (row.UsesOwnerIds)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.DoesNotContain(owner.UserId, body, StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Email, body, StringComparison.OrdinalIgnoreCase);
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

/// <summary>
/// The owner against every signed-in row. A row that may change the owner's data (log them out, erase, delete, write)
/// gets an owner of its own; the GET rows only read, so they share one owner (made once: an owner costs a sign-up and
/// an export). A class of its own, on its own host, so it runs in parallel with the anonymous and other-user rows.
/// </summary>
public sealed class AuthorizationMatrixOwnerRunTests(MatrixHost fixture) : IClassFixture<MatrixHost>
{
    public static TheoryData<string> Rows => AuthorizationMatrixRunTests.Rows;

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task The_owner_succeeds(string function)
    {
        var row = AuthorizationMatrix.Cases[function];
        var readOnly = row.Method == "GET";
        var (owner, ids) = readOnly ? await fixture.SharedOwnerAsync() : await MatrixHost.NewOwnerAsync(fixture.Host);
        try
        {
            using var response = await owner.SendAsync(new HttpMethod(row.Method), AuthorizationMatrix.Fill(row.Path, ids), row.BodyFor(owner));
            Assert.True(row.OwnerStatus == (int)response.StatusCode, $"{function} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        finally
        {
            if (!readOnly) owner.Dispose(); // the shared owner is the fixture's to dispose
        }
    }
}
