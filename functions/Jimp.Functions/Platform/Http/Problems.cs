using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Jimp.Functions.Platform.Http;

/// <summary>Turns any exception into an <c>application/problem+json</c> answer; never a stack trace.</summary>
public static partial class Problems
{
    public const string ContentType = "application/problem+json";

    public static async Task WriteAsync(HttpContext context, Exception exception, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(logger);
        var error = Unwrap(exception);
        if (error is Email.EmailUnavailableException)
        {
            error = ProblemException.EmailUnavailable(); // a dependency down says so, wherever an e-mail was due
        }
        else if (error is Storage.StorageUnavailableException)
        {
            error = ProblemException.StorageUnavailable(); // the same for storage, whichever store was being read or written
        }
        if (error is OperationCanceledException && context.RequestAborted.IsCancellationRequested)
        {
            return; // the client went away: nobody to answer
        }
        var problem = ToProblem(error, context);
        if (error is ProblemException { Status: 503, Code: { } dependency })
        {
            LogDependencyDown(logger, dependency, Unwrap(exception).GetType().Name, problem.Extensions["traceId"]?.ToString());
        }
        else if (problem.Status >= 500)
        {
            // The exception itself (type, message, stack) goes to the logs, so Application Insights has something to debug
            // with; the answer carries only the trace id.
            LogUnhandled(logger, error, error.GetType().Name, problem.Extensions["traceId"]?.ToString());
        }
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.Clear();
        context.Response.StatusCode = problem.Status ?? 500;
        if (error is ProblemException { RetryAfterSeconds: { } retry })
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await context.Response.WriteAsJsonAsync(problem, problem.GetType(), JsonOptions, ContentType, context.RequestAborted);
    }

    public static ProblemDetails ToProblem(Exception error, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ProblemDetails problem = error switch
        {
            RequestValidationException v => new HttpValidationProblemDetails(v.Errors) { Status = 400, Title = v.Title, Detail = v.Detail },
            ProblemException p => new ProblemDetails { Status = p.Status, Title = p.Title, Detail = p.Detail },
            JsonException => new ProblemDetails { Status = 400, Title = "The request is not valid.", Detail = "The body is not valid JSON." },
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = "The request is not valid.", Detail = "The request could not be read." },
            _ => new ProblemDetails { Status = 500, Title = "An unexpected error occurred.", Detail = "Something went wrong on our side. If it happens again, quote the trace id." },
        };
        problem.Type = $"https://httpstatuses.io/{problem.Status}";
        problem.Instance = context.Request.Path;
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        if (error is ProblemException { Code: { } code })
        {
            problem.Extensions["code"] = code;
        }
        if (error is ProblemException { Extensions: { } extensions })
        {
            foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        }
        return problem;
    }

    public static Exception Unwrap(Exception exception)
    {
        var current = exception;
        while (current is TargetInvocationException or AggregateException || current.GetType().Name == "FunctionInvocationException")
        {
            if (current.InnerException is null) break;
            current = current.InnerException;
        }
        return current;
    }

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Dependency down: answered 503 {Code} ({ExceptionType}) with trace id {TraceId}")]
    private static partial void LogDependencyDown(ILogger logger, string code, string exceptionType, string? traceId);

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unhandled {ExceptionType}; answered 500 with trace id {TraceId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string exceptionType, string? traceId);
}
