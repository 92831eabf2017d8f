using System.Text.Json;
using Jimp.DevHost;
using Jimp.Functions;
using Jimp.Functions.Platform.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Jimp.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Platform;

/// <summary>The deployable worker itself (not the DevHost): its host as Program.cs builds it, and the functions.metadata its build emits.</summary>
public sealed class WorkerTests
{
    [Fact]
    public void Deployable_host_resolves_every_function_class_and_the_problem_middleware()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["KeyedHash:Key"] = "dGVzdC1rZXllZC1oYXNoLWtleS1ub3QtYS1zZWNyZXQtMDA=",
            ["App:PublicBaseUrl"] = "https://func-jimp.example.test",
        });
        using var host = JimpFunctionsApp.Configure(builder).Build();

        // UseMiddleware registers the middleware in DI: gone from Program.cs's configuration, this is null.
        Assert.NotNull(host.Services.GetService<SecurityHeadersMiddleware>());
        Assert.NotNull(host.Services.GetService<ProblemDetailsMiddleware>());
        Assert.NotNull(host.Services.GetService<Jimp.Functions.Accounts.AuthenticationMiddleware>());
        var classes = FunctionCatalog.Jimp.Select(f => f.Type).Distinct().ToList();
        Assert.True(classes.Count >= 10, $"only {classes.Count} function classes found");
        foreach (var type in classes.Where(t => !t.IsAbstract))
        {
            // As the worker does for each invocation: every constructor dependency must be registered.
            var instance = ActivatorUtilities.CreateInstance(host.Services, type);
            Assert.NotNull(instance);
        }
    }

    [Fact]
    public void Generated_functions_metadata_matches_what_the_DevHost_runs()
    {
        // The Functions SDK writes functions.metadata when it builds Jimp.Functions; the test project gets a copy.
        var metadataPath = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(File.Exists(metadataPath), $"{metadataPath} is missing: the Functions SDK did not generate it");
        using var document = JsonDocument.Parse(File.ReadAllText(metadataPath));

        var generated = document.RootElement.EnumerateArray().Select(f =>
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            return Describe(
                f.GetProperty("name").GetString()!,
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out var route) ? route.GetString() : null,
                trigger.TryGetProperty("methods", out var methods) ? string.Join(",", methods.EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).Order(StringComparer.Ordinal)) : null,
                trigger.TryGetProperty("authLevel", out var auth) ? auth.GetString() : null,
                trigger.TryGetProperty("schedule", out var schedule) ? schedule.GetString() : null);
        }).Order(StringComparer.Ordinal).ToList();

        var catalogue = FunctionCatalog.Jimp.Select(f => Describe(
            f.Name,
            f.Kind switch
            {
                TriggerKind.Http => "httpTrigger",
                TriggerKind.Timer => "timerTrigger",
                TriggerKind.Orchestration => "orchestrationTrigger",
                _ => "activityTrigger",
            },
            f.Http is null ? null : f.Route,
            f.Http is null ? null : string.Join(",", f.HttpMethods.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal)),
            f.Http?.AuthLevel.ToString(),
            f.Timer?.Schedule)).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(catalogue, generated);
    }

    [Fact]
    public void The_http_file_covers_every_public_route()
    {
        var http = File.ReadAllText(Path.Combine(TestAzurite.RepositoryRoot, "api.http"));
        var missing = FunctionCatalog.Jimp
            .Where(f => f.Kind == TriggerKind.Http && f.Route.StartsWith("api/", StringComparison.Ordinal) && !f.Route.StartsWith("api/console/", StringComparison.Ordinal) && !f.Route.StartsWith("api/operator/", StringComparison.Ordinal))
            .SelectMany(f => f.HttpMethods.Select(m => (Method: m.ToUpperInvariant(), f.Route)))
            .Where(r => !System.Text.RegularExpressions.Regex.IsMatch(http, "(?m)^" + r.Method + @" \{\{base\}\}/" + RoutePattern(r.Route) + @"(\?\S*)?\s*$"))
            .Select(r => $"{r.Method} /{r.Route}")
            .ToList();

        Assert.True(missing.Count == 0, "api.http lacks: " + string.Join("; ", missing));
    }

    // A route with {id}-style parameters, as a pattern: a parameter is a {{variable}} of the file or a literal value (marketing).
    private static string RoutePattern(string route) => string.Concat(
        System.Text.RegularExpressions.Regex.Split(route, @"(\{\w+\})")
            .Select(part => part.StartsWith('{') ? @"(\{\{\w+\}\}|[^/\s?{}]+)" : System.Text.RegularExpressions.Regex.Escape(part)));

    private static string Describe(string name, string type, string? route, string? methods, string? auth, string? schedule) =>
        $"{name} {type} route={route} methods={methods} auth={auth} schedule={schedule}";
}
