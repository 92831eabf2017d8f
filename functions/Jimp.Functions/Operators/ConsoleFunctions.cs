using Jimp.Functions.Accounts;
using Jimp.Functions.Insights;
using Jimp.Functions.Mailings;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Privacy;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Jimp.Functions.Operators;

public sealed record ConsoleSession(string OperatorId, double SessionHours);

/// <summary>The requests log: open ones by due date, then the closed ones.</summary>
/// <summary>The console's log: every pending request, and those answered since <c>ClosedSince</c> (the evidence pack has all).</summary>
public sealed record ConsoleRequestLog(DateTimeOffset Now, IReadOnlyList<ConsoleRequestRow> Pending, IReadOnlyList<ConsoleRequestRow> Closed, DateOnly ClosedSince);

public sealed record BreachList(IReadOnlyList<BreachView> Items);

/// <summary>
/// The owner's console (<c>/#/operator</c>): signed-in operators only (401 without a session, 403 for anyone
/// else). Every call is written to the security log under the operator's pseudonymous id.
/// </summary>
public sealed class ConsoleFunctions(
    OperatorAuth auth,
    SecurityLog securityLog,
    ConsoleRequests requests,
    OperatorService operations,
    ConsolePolicy policy,
    BreachRegister breaches,
    EvidencePack evidence,
    InsightsService insights,
    OperatorDirectory operators,
    MailingStore mailings,
    Campaigns campaigns,
    TimeProvider clock)
{
    private async Task<SignedInOperator> OperatorAsync(HttpRequest request, string action, CancellationToken cancellationToken)
    {
        var op = await auth.RequireOperatorAsync(request, cancellationToken);
        await securityLog.WriteAsync(SecurityEvents.OperatorAction, op.UserId, request, "console:" + Loggable(action), cancellationToken);
        return op;
    }

    /// <summary>
    /// An action as the security log records it. Actions carry route values (a request id, a breach id, a version),
    /// which are whatever the caller sent: a value that is not a short plain id is recorded as "malformed".
    /// </summary>
    internal static string Loggable(string action)
    {
        var colon = action.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return action;
        var value = action[(colon + 1)..];
        return value.Length <= 64 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':') ? action : action[..colon] + ":malformed";
    }

    [Function(nameof(GetConsoleSession))]
    [ApiResponse(200, typeof(ConsoleSession))]
    public async Task<IResult> GetConsoleSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/session")] HttpRequest request, CancellationToken cancellationToken)
    {
        var op = await auth.RequireOperatorAsync(request, cancellationToken);
        return TypedResults.Ok(new ConsoleSession(op.UserId, operators.SessionLifetime.TotalHours));
    }

    [Function(nameof(GetConsoleRequests))]
    [ApiResponse(200, typeof(ConsoleRequestLog))]
    public async Task<IResult> GetConsoleRequests(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/requests")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "list-requests", cancellationToken);
        var (pending, closed) = await requests.LogAsync(ConsoleRequests.ClosedMonthsShown, cancellationToken);
        return TypedResults.Ok(new ConsoleRequestLog(clock.GetUtcNow(), pending, closed, requests.ClosedSince));
    }

    [Function(nameof(ExtendConsoleRequest))]
    [ApiRequest(typeof(ExtendRequestBody))]
    [ApiResponse(200, typeof(ExtendedRequest))]
    public async Task<IResult> ExtendConsoleRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/requests/{userId}/{requestId}/extend")] HttpRequest request,
        string userId, string requestId, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "extend-request:" + requestId, cancellationToken);
        RequireUserId(userId);
        var body = await request.ReadJsonAsync<ExtendRequestBody>(cancellationToken);
        return TypedResults.Ok(await operations.ExtendAsync(userId, requestId, body, cancellationToken));
    }

    [Function(nameof(CloseConsoleRequest))]
    [ApiRequest(typeof(CloseRequestBody))]
    [ApiResponse(200, typeof(ConsoleRequestRow))]
    public async Task<IResult> CloseConsoleRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/requests/{userId}/{requestId}/close")] HttpRequest request,
        string userId, string requestId, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "close-request:" + requestId, cancellationToken);
        RequireUserId(userId);
        var body = await request.ReadJsonAsync<CloseRequestBody>(cancellationToken);
        return TypedResults.Ok(await requests.CloseAsync(userId, requestId, body, cancellationToken));
    }

    /// <summary>Finds an account from an address (POST, so the address stays out of URLs and logs). Operators only.</summary>
    [Function(nameof(LookupAccount))]
    [ApiRequest(typeof(AddressBody))]
    [ApiResponse(200, typeof(LookupResult))]
    public async Task<IResult> LookupAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/lookup")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "lookup", cancellationToken);
        var body = await request.ReadJsonAsync<AddressBody>(cancellationToken);
        return TypedResults.Ok(await requests.LookupAsync(body, cancellationToken));
    }

    [Function(nameof(RecordEmailedRequest))]
    [ApiRequest(typeof(EmailedRequestBody))]
    [ApiResponse(200, typeof(EmailedRequestResult))]
    public async Task<IResult> RecordEmailedRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/email-requests")] HttpRequest request, CancellationToken cancellationToken)
    {
        await auth.RequireOperatorAsync(request, cancellationToken);
        var body = await request.ReadJsonAsync<EmailedRequestBody>(cancellationToken);
        var result = await requests.RecordEmailedAsync(body, cancellationToken);
        await OperatorAsync(request, $"record-emailed-request:{result.Request.Id}:{result.Outcome}", cancellationToken);
        return TypedResults.Ok(result);
    }

    [Function(nameof(FlagMinorByAddress))]
    [ApiRequest(typeof(MinorBody))]
    [ApiResponse(200, typeof(MinorFlagResult))]
    public async Task<IResult> FlagMinorByAddress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/minors")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        await auth.RequireOperatorAsync(request, cancellationToken);
        var body = await request.ReadJsonAsync<MinorBody>(cancellationToken);
        var result = await requests.FlagMinorAsync(body, client, cancellationToken);
        await OperatorAsync(request, "flag-minor:" + (result.RequestId ?? "no-account"), cancellationToken);
        return TypedResults.Ok(result);
    }

    [Function(nameof(GetConsolePolicy))]
    [ApiResponse(200, typeof(PolicyConsoleView))]
    public async Task<IResult> GetConsolePolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/policy")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "list-policy", cancellationToken);
        return TypedResults.Ok(await policy.VersionsAsync(cancellationToken));
    }

    [Function(nameof(AnnounceConsolePolicy))]
    [ApiRequest(typeof(AnnounceBody))]
    [ApiResponse(202, typeof(MailingStarted), Description = "The announcement's mailing is started, or was already (alreadyStarted: nothing is sent again); follow progressUrl. 400 notice-period (a field error on effective) or 409 not-material.")]
    public async Task<IResult> AnnounceConsolePolicy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/policy/{version}/announce")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string version, CancellationToken cancellationToken)
    {
        var op = await OperatorAsync(request, "announce-policy:" + Privacy.OperatorFunctions.LoggedVersion(version), cancellationToken);
        var body = await request.ReadJsonAsync<AnnounceBody>(cancellationToken);
        var started = await policy.AnnounceAsync(version, body, op.Locale, client, cancellationToken);
        return TypedResults.Accepted(started.ProgressUrl, started);
    }

    [Function(nameof(GetConsoleTerms))]
    [ApiResponse(200, typeof(PolicyConsoleView), Description = "The CGU's versions; a material one is in force (inForceFrom) only 30 days after its announcement completed, never unannounced.")]
    public async Task<IResult> GetConsoleTerms(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/terms")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "list-terms", cancellationToken);
        return TypedResults.Ok(await policy.TermsVersionsAsync(cancellationToken));
    }

    [Function(nameof(AnnounceConsoleTerms))]
    [ApiRequest(typeof(AnnounceBody))]
    [ApiResponse(202, typeof(MailingStarted), Description = "The CGU announcement's mailing is started, or was already (alreadyStarted: nothing is sent again); follow progressUrl. 400 notice-period (a field error on effective, in the owner's language) or 409 not-material.")]
    public async Task<IResult> AnnounceConsoleTerms(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/terms/{version}/announce")] HttpRequest request,
        [DurableClient] DurableTaskClient client, string version, CancellationToken cancellationToken)
    {
        var op = await OperatorAsync(request, "announce-terms:" + Privacy.OperatorFunctions.LoggedVersion(version), cancellationToken);
        var body = await request.ReadJsonAsync<AnnounceBody>(cancellationToken);
        var started = await policy.AnnounceTermsAsync(version, body, op.Locale, client, cancellationToken);
        return TypedResults.Accepted(started.ProgressUrl, started);
    }

    [Function(nameof(GetConsoleCampaigns))]
    [ApiResponse(200, typeof(CampaignConsoleView), Description = "How many people a campaign would reach now (a count: consent on, not restricted, not a minor's, not being erased; never an address), and the campaigns sent.")]
    public async Task<IResult> GetConsoleCampaigns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/campaigns")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "list-campaigns", cancellationToken);
        return TypedResults.Ok(await campaigns.ViewAsync(cancellationToken));
    }

    [Function(nameof(SendConsoleCampaign))]
    [ApiRequest(typeof(CampaignBody))]
    [ApiResponse(202, typeof(MailingStarted), Description = "The campaign's mailing is started; follow progressUrl. Each person gets it only if they consent when their mail goes out. 400 with field errors in the owner's language; nothing is stored.")]
    public async Task<IResult> SendConsoleCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/campaigns")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var op = await auth.RequireOperatorAsync(request, cancellationToken);
        CampaignBody body;
        try
        {
            body = await request.ReadJsonAsync<CampaignBody>(cancellationToken, Campaigns.MaxBodyBytes);
        }
        catch (ProblemException problem) when (problem is not RequestValidationException)
        {
            throw Campaigns.Localized(problem, op.Locale);
        }
        var started = await campaigns.StartAsync(body, op.Locale, client, cancellationToken);
        await OperatorAsync(request, "send-campaign:" + started.MailingId, cancellationToken);
        return TypedResults.Accepted(started.ProgressUrl, started);
    }

    [Function(nameof(GetConsoleMailing))]
    [ApiResponse(200, typeof(MailingProgress), Description = "A mailing's progress: sent, skipped (not eligible: a minor's or erased account, no consent), failed (refused by the mail server), total; finishedAt once done.")]
    public async Task<IResult> GetConsoleMailing(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/mailings/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "read-mailing:" + id, cancellationToken);
        if (id.Length != 32 || !id.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) throw ProblemException.NotFound("mailing");
        var mailing = await mailings.GetAsync(id, cancellationToken) ?? throw ProblemException.NotFound("mailing");
        return TypedResults.Ok(mailing.Progress());
    }

    [Function(nameof(GetConsoleInsights))]
    [ApiQuery("from", "First ISO week, e.g. 2026-W37 (default: 12 finished weeks ago).")]
    [ApiQuery("to", "Last ISO week (default: the last finished one); at most 106 weeks.")]
    [ApiResponse(200, typeof(InsightsResponse))]
    public async Task<IResult> GetConsoleInsights(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/insights")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "read-insights", cancellationToken);
        var weeks = await insights.ReadAsync(request.Query, cancellationToken);
        return TypedResults.Ok(new InsightsResponse(insights.Topics, weeks));
    }

    [Function(nameof(ListBreaches))]
    [ApiResponse(200, typeof(BreachList))]
    public async Task<IResult> ListBreaches(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/breaches")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "list-breaches", cancellationToken);
        return TypedResults.Ok(new BreachList((await breaches.ListAsync(cancellationToken)).Select(breaches.View).ToList()));
    }

    [Function(nameof(RecordBreach))]
    [ApiRequest(typeof(BreachBody))]
    [ApiResponse(201, typeof(BreachView))]
    public async Task<IResult> RecordBreach(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/console/breaches")] HttpRequest request, CancellationToken cancellationToken)
    {
        await auth.RequireOperatorAsync(request, cancellationToken);
        var body = await request.ReadJsonAsync<BreachBody>(cancellationToken);
        var breach = await breaches.RecordAsync(body, cancellationToken);
        await OperatorAsync(request, "record-breach:" + breach.Id, cancellationToken);
        return TypedResults.Created($"/api/console/breaches/{breach.Id}", breaches.View(breach));
    }

    [Function(nameof(UpdateBreach))]
    [ApiRequest(typeof(BreachUpdateBody))]
    [ApiResponse(200, typeof(BreachView))]
    public async Task<IResult> UpdateBreach(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/console/breaches/{id}")] HttpRequest request, string id, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "update-breach:" + id, cancellationToken);
        var body = await request.ReadJsonAsync<BreachUpdateBody>(cancellationToken);
        return TypedResults.Ok(breaches.View(await breaches.UpdateAsync(id, body, cancellationToken)));
    }

    [Function(nameof(ExportBreaches))]
    [ApiResponse(200, ContentType = "text/csv", Description = "The breach register as CSV (UTF-8 with BOM, one line per breach; dates ISO-8601 UTC; cells starting with = + - @ prefixed with '). Header: " + BreachRegister.CsvHeader + ".")]
    public async Task<IResult> ExportBreaches(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/breaches.csv")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "export-breaches", cancellationToken);
        var csv = BreachRegister.Csv(await breaches.ListAsync(cancellationToken));
        return TypedResults.File(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", "jimp-breach-register.csv");
    }

    [Function(nameof(DownloadEvidencePack))]
    [ApiResponse(200, ContentType = "application/zip")]
    public async Task<IResult> DownloadEvidencePack(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/console/evidence-pack")] HttpRequest request, CancellationToken cancellationToken)
    {
        await OperatorAsync(request, "evidence-pack", cancellationToken);
        var zip = await evidence.BuildAsync(cancellationToken);
        return TypedResults.File(zip, "application/zip", $"jimp-evidence-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.zip");
    }

    private static void RequireUserId(string userId)
    {
        if (userId.Length != 32 || !userId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) throw ProblemException.NotFound("request");
    }
}

/// <summary>The person's side of a request received by e-mail: the confirmation link.</summary>
public sealed class RequestConfirmationFunctions(ConsoleRequests requests, SessionAuth auth)
{
    [Function(nameof(ConfirmEmailedRequest))]
    [ApiRequest(typeof(ConfirmRequestBody))]
    [ApiResponse(200, typeof(ConfirmRequestResult))]
    [PublicEndpoint("The person who wrote by e-mail may have no session; the single-use token sent to the account's own address is the identity check.")]
    public async Task<IResult> ConfirmEmailedRequest(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/requests/confirm")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        auth.RequireSameOrigin(request);
        var body = await request.ReadJsonAsync<ConfirmRequestBody>(cancellationToken);
        return TypedResults.Ok(await requests.ConfirmAsync(body.Token!, ClientInfo.From(request), client, cancellationToken));
    }
}

public static class OperatorsRegistration
{
    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AddOperatorConsole(this Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<ConsoleRequests>(services);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<ConsolePolicy>(services);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<BreachRegister>(services);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<EvidencePack>(services);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Campaigns>(services);
        Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IMailingKind, CampaignMailing>(services);
        Privacy.PersonalDataDeclarations.AddNonPersonalStore(services, BreachRegister.Table,
            "The breach register (Art. 33(5)): incidents described by the operator without naming people; counts, dates, measures.");
        return services;
    }
}
