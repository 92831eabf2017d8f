using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Jimp.Tests.Privacy;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Platform;

public sealed class ProblemTests(ProbeHost shared) : IClassFixture<ProbeHost>, IAsyncDisposable
{
    private readonly JimpTestHost host = shared.ForTest();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var content = new StringContent("{\"name\": \"x\", ", Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync("/api/probe/echo/1", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal("malformed-json", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Invalid_fields_are_a_400_validation_problem_naming_each_field()
    {
        using var response = await host.Client.PostAsJsonAsync("/api/probe/echo/1", new { name = "far too long a name", stars = 9 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ProblemOf(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("stars", out _));
    }

    [Fact]
    public async Task A_valid_body_passes_validation()
    {
        using var response = await host.Client.PostAsJsonAsync("/api/probe/echo/7", new { name = "Lou", stars = 4 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(7, body.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var content = new StringContent("name=Lou", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await host.Client.PostAsync("/api/probe/echo/1", content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_problem()
    {
        using var content = new StringContent("{\"name\":\"" + new string('a', 20_000) + "\",\"stars\":1}", Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync("/api/probe/echo/1", content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await ProblemOf(response);
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        using var response = await host.Client.GetAsync("/api/no/such/route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(404, (await ProblemOf(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_thrown_exception_is_a_500_problem_with_a_trace_id_and_no_stack_trace()
    {
        using var response = await host.Client.GetAsync("/api/probe/boom");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var raw = await response.Content.ReadAsStringAsync();
        var problem = await ProblemOf(response);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("secret internal detail", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", raw, StringComparison.Ordinal);
    }
}

/// <summary>Authentication is declared once: a function that neither opts out nor checks anything is still closed.</summary>
public sealed class DenyByDefaultTests : IAsyncLifetime
{
    private JimpTestHost host = null!;

    public async Task InitializeAsync() => host = await JimpTestHost.StartAsync(o =>
    {
        o.ExtraFunctions.AddRange(ProbeFunctions.All);
        o.Settings["Probe:Schedule"] = "0 0 3 * * *";
        o.Services = s => s.AddSingleton<ProbeState>();
    });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task A_function_without_a_public_attribute_refuses_anonymous_callers_with_a_401_problem()
    {
        using var response = await host.Client.GetAsync("/api/probe/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthenticated", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_same_function_sees_the_signed_in_user()
    {
        using var user = await Users.SignUpAsync(host);
        using var response = await user.GetAsync("/api/probe/whoami");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user.UserId, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetString());
    }

    [Fact]
    public void No_function_checks_the_session_by_hand()
    {
        var source = RepositoryFiles.Path("functions", "Jimp.Functions");
        var handWritten = Directory.EnumerateFiles(source, "*Functions.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("RequireUserAsync(", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(handWritten.Count == 0, "Functions that check the session themselves (the authentication middleware does it): " + string.Join(", ", handWritten));
    }
}
