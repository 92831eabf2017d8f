using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Jimp.Functions.Platform.Http;
using Jimp.Tests.Support;
using Xunit.Abstractions;

namespace Jimp.Tests.Platform;

/// <summary>
/// A dependency down (storage, the mail server, the model) is said as such: a 503 problem naming it, never a bare
/// 500. Every route of the catalogue is called, so a new route is held to it without being listed here.
/// </summary>
public sealed class DependencyDownTests(ITestOutputHelper output)
{
    /// <summary>A loopback port nobody listens on: a connection to it is refused at once, like a stopped service.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Azurite's development account, at ports where nothing answers.</summary>
    public static string UnreachableStorage() =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ClosedPort()}/devstoreaccount1;";

    private static readonly string[] DependencyCodes = ["storage-unavailable", "email-unavailable", "email-not-configured", "notice-failed", "model-unavailable"];

    [Fact]
    public async Task With_storage_unreachable_every_route_answers_503_storage_unavailable_and_never_500()
    {
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Storage:ConnectionString"] = UnreachableStorage();
            o.Settings["Storage:MaxRetries"] = "1";
            o.Settings["Storage:RetryDelay"] = "00:00:00.020";
        });
        // A well-formed session cookie: checking it needs storage, as every signed-in route does.
        var cookie = "jimp_session=" + AuthorizationMatrix.UnknownUserId + "." + new string('s', 43);
        var statuses = new List<string>();
        var failures = new List<string>();
        foreach (var route in RouteCatalogue.All)
        {
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.SamplePath());
            if (route.SampleBody(null) is { } body) request.Content = body as HttpContent ?? JsonContent.Create(body);
            request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
            switch (route.Access)
            {
                case EndpointAccess.SignedIn:
                    request.Headers.Add("Cookie", cookie);
                    break;
                case EndpointAccess.FunctionKey:
                    request.Headers.Add("x-functions-key", JimpTestHost.FunctionKey);
                    break;
            }
            using var response = await host.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            statuses.Add($"{status} {route}");
            if (route.Name == "Health")
            {
                // Health answers its own report, declared in the contract: storage unreachable, 503.
                if (status != 503 || !text.Contains("\"storage\":\"unreachable\"", StringComparison.Ordinal)) failures.Add($"{route}: {status} {text}");
                continue;
            }
            if (status >= 500 && !IsDependencyProblem(response, text, "storage-unavailable"))
            {
                failures.Add($"{route}: {status} {text}");
            }
            // Every route that needs a session, and sign-in itself, cannot do anything without storage: 503, said so.
            if ((route.Access == EndpointAccess.SignedIn || route.Name == "RequestSignInLink") && !IsDependencyProblem(response, text, "storage-unavailable"))
            {
                failures.Add($"{route}: expected 503 storage-unavailable, got {status} {text}");
            }
        }
        output.WriteLine($"{RouteCatalogue.All.Count} routes with storage unreachable: " +
            string.Join(", ", statuses.GroupBy(s => s[..3]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}")));
        foreach (var line in statuses) output.WriteLine(line);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("answered 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_smtp_down_the_routes_that_must_mail_answer_503_and_none_answers_500()
    {
        await using var smtp = new SmtpProxy();
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Email:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
            o.Settings["Operators:Addresses"] = AuthorizationMatrix.OperatorEmail;
        });
        using var owner = await Users.SignUpAsync(host);
        using var operatorClient = await Users.SignUpAsync(host, AuthorizationMatrix.OperatorEmail);
        var ids = await AuthorizationMatrix.CreateOwnerResourcesAsync(host, owner);
        smtp.Fault = SmtpFault.Refuse;

        var statuses = new List<string>();
        var failures = new List<string>();
        // Restricting then lifting (the lift needs its notice, Art. 18(3)), then the deleting, session-ending and
        // account-ending routes, so every other route still finds the owner's resources and session.
        string[] last = ["RestrictMyProcessing", "LiftMyRestriction", "RequestErasure", "LogoutEverywhere", "Logout"];
        static int Order(RouteCase r, string[] last) => Array.IndexOf(last, r.Name) is >= 0 and var i ? 100 + i : r.Method == "DELETE" ? 50 : 0;
        foreach (var route in RouteCatalogue.All.OrderBy(r => Order(r, last)))
        {
            var caller = route.IsConsole ? operatorClient : owner;
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.SamplePath(ids));
            if (route.SampleBody(caller == operatorClient ? owner : caller) is { } body) request.Content = body as HttpContent ?? JsonContent.Create(body);
            request.Headers.Add("Origin", JimpTestHost.PublicBaseUrl);
            if (route.Access == EndpointAccess.SignedIn) request.Headers.Add("Cookie", "jimp_session=" + caller.Cookie);
            if (route.Access == EndpointAccess.FunctionKey) request.Headers.Add("x-functions-key", JimpTestHost.FunctionKey);
            using var response = await host.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            statuses.Add($"{status} {route}");
            if (status >= 500 && route.Name != "Health" && !IsDependencyProblem(response, text, null))
            {
                failures.Add($"{route}: {status} {text}");
            }
            if (route.Name is "RequestSignInLink" or "ChangeEmail" && !IsDependencyProblem(response, text, "email-unavailable"))
            {
                failures.Add($"{route}: expected 503 email-unavailable, got {status} {text}");
            }
            if (route.Name == "LiftMyRestriction" && !IsDependencyProblem(response, text, "notice-failed"))
            {
                failures.Add($"{route}: expected 503 notice-failed (the restriction stays until the notice is sent), got {status} {text}");
            }
        }
        output.WriteLine($"{statuses.Count} routes with SMTP refusing ({smtp.Faulted} connections refused): " +
            string.Join(", ", statuses.GroupBy(s => s[..3]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}")));
        foreach (var line in statuses) output.WriteLine(line);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(smtp.Faulted > 0, "No route tried to send mail through the broken server.");
    }

    [Fact]
    public async Task With_the_model_endpoint_down_a_chat_turn_is_answered_by_the_offline_coach_and_says_so()
    {
        await using var host = await JimpTestHost.StartAsync(o =>
        {
            o.Settings["Model:Provider"] = "openai-compatible";
            o.Settings["Model:Endpoint"] = $"http://127.0.0.1:{ClosedPort()}/v1/";
            o.Settings["Model:Name"] = "llama3.1";
            o.Settings["Model:ApiKey"] = "unused";
        });
        using var owner = await Users.SignUpAsync(host);
        var ids = await AuthorizationMatrix.CreateOwnerResourcesAsync(host, owner);
        using var response = await owner.SendAsync(HttpMethod.Post, $"/api/conversations/{ids["conversationId"]}/messages", new { text = "Comment trouver mon premier produit ?" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = Sse.Parse(await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(events, e => e.Name == "error");
        var done = Assert.Single(events, e => e.Name == "done");
        Assert.Equal("fallback", done.Data.GetProperty("outcome").GetString());
        var text = string.Concat(events.Where(e => e.Name == "delta").Select(e => e.Data.GetProperty("text").GetString()));
        Assert.Contains("modèle d'IA n'est pas disponible", text, StringComparison.Ordinal);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("answered 500", StringComparison.Ordinal));
    }

    private static bool IsDependencyProblem(HttpResponseMessage response, string text, string? code)
    {
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return false;
        if (response.Content.Headers.ContentType?.MediaType != Problems.ContentType) return false;
        if (!response.Headers.Contains("Retry-After")) return false;
        var problem = JsonDocument.Parse(text).RootElement;
        var actual = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        return code is null ? DependencyCodes.Contains(actual) : actual == code;
    }
}
