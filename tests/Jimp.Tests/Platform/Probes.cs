using System.ComponentModel.DataAnnotations;
using Jimp.DevHost;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Jimp.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Tests.Platform;

/// <summary>Functions that exist only in tests, hosted by the DevHost beside JIMP's own to probe its plumbing.</summary>
public sealed class ProbeFunctions(ProbeState state)
{
    public static IReadOnlyList<FunctionDescriptor> All { get; } = FunctionCatalog.Discover(typeof(ProbeFunctions).Assembly);

    public sealed record EchoRequest([property: Required, StringLength(10)] string Name, [property: Range(1, 5)] int Stars);

    [Function(nameof(ProbeEcho))]
    [PublicEndpoint("A probe of request reading; it touches no account.")]
    public async Task<IResult> ProbeEcho([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/probe/echo/{id:int}")] HttpRequest request, int id, CancellationToken cancellationToken)
    {
        var body = await request.ReadJsonAsync<EchoRequest>(cancellationToken);
        return TypedResults.Ok(new { id, body.Name, body.Stars });
    }

    [Function(nameof(ProbeBoom))]
    [PublicEndpoint("A probe of the 500 answer.")]
    public IResult ProbeBoom([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/probe/boom")] HttpRequest request) =>
        throw new InvalidOperationException("secret internal detail at ProbeBoom");

    [Function(nameof(ProbeOperator))]
    public IResult ProbeOperator([HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/probe/operator")] HttpRequest request) =>
        TypedResults.Ok(new { ok = true });

    [Function(nameof(ProbeStart))]
    [PublicEndpoint("A probe of the in-process durable engine.")]
    public async Task<IResult> ProbeStart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/probe/orchestrations")] HttpRequest request,
        [DurableClient] DurableTaskClient client)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(ProbeOrchestration), new ProbeInput(3));
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, request.HttpContext.RequestAborted);
        return TypedResults.Ok(new { status = done.RuntimeStatus.ToString(), output = done.ReadOutputAs<int>() });
    }

    /// <summary>Declares no access at all and checks nothing itself: deny by default must still refuse anonymous callers.</summary>
    [Function(nameof(ProbeWhoAmI))]
    public IResult ProbeWhoAmI([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/probe/whoami")] HttpRequest request) =>
        TypedResults.Ok(new WhoAmI(request.SignedInUser().UserId));

    public sealed record WhoAmI(string UserId);

    public sealed record ProbeInput(int Steps);

    [Function(nameof(ProbeOrchestration))]
    public static async Task<int> ProbeOrchestration([OrchestrationTrigger] TaskOrchestrationContext context, ProbeInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        Interlocked.Increment(ref ProbeState.OrchestratorRuns);
        var sum = 0;
        for (var i = 0; i < input.Steps; i++)
        {
            sum += await context.CallActivityAsync<int>(nameof(ProbeActivity), i);
        }
        return sum;
    }

    /// <summary>Runs until the event <c>go</c> arrives: an instance that is still running for as long as a test needs.</summary>
    [Function(nameof(ProbeWaitForGo))]
    public static async Task<string> ProbeWaitForGo([OrchestrationTrigger] TaskOrchestrationContext context, string label)
    {
        ArgumentNullException.ThrowIfNull(context);
        return label + ":" + await context.WaitForExternalEvent<string>("go");
    }

    [Function(nameof(ProbeActivity))]
    public int ProbeActivity([ActivityTrigger] int step) => state.Hit() + step * 0;

    [Function(nameof(ProbeTimer))]
    public void ProbeTimer([TimerTrigger("%Probe:Schedule%")] TimerInfo timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        state.Hit();
    }
}

/// <summary>A DI singleton the probes touch, so tests see that functions got their services from DI.</summary>
/// <summary>A shared host with the probe functions (a timer on "Probe:Schedule", an orchestration) and their <see cref="ProbeState"/>.</summary>
public sealed class ProbeHost : SharedHost
{
    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ExtraFunctions.AddRange(ProbeFunctions.All);
        options.Settings["Probe:Schedule"] = "0 0 3 * * *";
        options.Services = s => s.AddSingleton<ProbeState>();
    }
}

/// <summary>Counts the probes' work; shared by the tests of a host, so tests compare before and after.</summary>
public sealed class ProbeState
{
    public static int OrchestratorRuns;
    private int hits;

    public int Hits => hits;

    public int Hit()
    {
        Interlocked.Increment(ref hits);
        return 1;
    }
}
