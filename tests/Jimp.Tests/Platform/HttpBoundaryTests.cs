using System.Reflection;
using Jimp.Functions.Platform;
using Microsoft.AspNetCore.Http;

namespace Jimp.Tests.Platform;

/// <summary>HTTP stays in the function classes: services take values (#18 item 4).</summary>
public sealed class HttpBoundaryTests
{
    /// <summary>
    /// What still takes HTTP types outside the function classes, on purpose or not yet moved. The list may only
    /// shrink: a new service method taking HttpRequest/HttpResponse fails here.
    /// </summary>
    private static readonly string[] NotYetMoved =
    [
        // The authentication plumbing reads the cookie and writes it: HTTP is its job.
        "SessionAuth.RequireUserAsync", "SessionAuth.FindUserAsync", "SessionAuth.RequireSameOrigin", "SessionAuth.SetCookie", "SessionAuth.ClearCookie",
        "OperatorAuth.RequireOperatorAsync", "ClientInfo.From", "ClientInfo.ClientIp", "SecurityLog.WriteAsync",
        "SignedInUserExtensions.SignedInUser",
        // An IResult writes the response: that is what it is for.
        "SeeOther.ExecuteAsync",
        // The one SSE writer: the chat function hands it the events ChatService yields.
        "EventStream..ctor", "EventStream.WriteAsync",
    ];

    [Fact]
    public void No_service_takes_the_http_request_or_response()
    {
        var offenders = typeof(JimpServiceCollectionExtensions).Assembly.GetTypes()
            .Where(t => !t.Name.EndsWith("Functions", StringComparison.Ordinal) && t.Namespace?.StartsWith("Jimp.Functions", StringComparison.Ordinal) == true)
            .Where(t => !t.Namespace!.StartsWith("Jimp.Functions.Platform.Http", StringComparison.Ordinal) || t.Name == "EventStream")
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Cast<MethodBase>()
                .Concat(t.GetConstructors()))
            .Where(m => m.GetParameters().Any(p => p.ParameterType == typeof(HttpRequest) || p.ParameterType == typeof(HttpResponse) || p.ParameterType == typeof(HttpContext)))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}")
            .Where(n => !n.StartsWith("Authentication", StringComparison.Ordinal) && !n.StartsWith("<", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Empty(offenders.Except(NotYetMoved));
        Assert.Contains("EventStream..ctor", offenders);
        Assert.DoesNotContain(offenders, o => o.StartsWith("RightsService.", StringComparison.Ordinal));
        // Accounts: the functions check the Origin, read and write the cookie; the service gets the caller and returns the session.
        Assert.DoesNotContain(offenders, o => o.StartsWith("AccountService.", StringComparison.Ordinal));
        Assert.DoesNotContain("ConsoleRequests.ConfirmAsync", offenders);
        // Chat: the service yields typed events, the function streams them.
        Assert.DoesNotContain(offenders, o => o.StartsWith("ChatService.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_streaming_endpoint_writes_through_the_one_sse_helper()
    {
        var root = Path.Combine(Support.TestAzurite.RepositoryRoot, "functions", "Jimp.Functions");
        var writers = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(".ContentType = \"text/event-stream", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).ToList();
        Assert.Equal(["Platform/Http/EventStream.cs"], writers);
    }
}
