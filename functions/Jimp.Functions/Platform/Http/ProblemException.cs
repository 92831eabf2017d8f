namespace Jimp.Functions.Platform.Http;

/// <summary>
/// An answer the user should see as <c>application/problem+json</c>: a 4xx that says what is wrong.
/// Services throw it; the exception middleware (Functions) and the DevHost write it the same way.
/// </summary>
public class ProblemException(int status, string title, string? detail = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    /// <summary>Seconds the client should wait, for 429 and 503 (the <c>Retry-After</c> header).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>A stable machine-readable code (<c>"token-expired"</c>) the web app can switch on.</summary>
    public string? Code { get; init; }

    /// <summary>More members of the problem (e.g. an import's per-row errors), written beside <c>code</c>.</summary>
    public IReadOnlyDictionary<string, object?>? Extensions { get; init; }

    public static ProblemException Unauthorized() =>
        new(401, "Sign-in required.", "Sign in to use this feature.") { Code = "unauthenticated" };

    public static ProblemException NotFound(string what) =>
        new(404, "Not found.", $"No {what} with that id exists for this account.") { Code = "not-found" };

    public static ProblemException Forbidden(string detail, string code) =>
        new(403, "Forbidden.", detail) { Code = code };

    public static ProblemException TooManyRequests(int retryAfterSeconds) =>
        new(429, "Too many requests.", $"Try again in {retryAfterSeconds} seconds.") { RetryAfterSeconds = retryAfterSeconds, Code = "rate-limited" };

    /// <summary>The mail server is down: nothing was sent; try again later.</summary>
    public static ProblemException EmailUnavailable() =>
        new(503, "E-mail is unavailable.", "E-mail is unavailable right now: try again in a few minutes.") { RetryAfterSeconds = 120, Code = "email-unavailable" };

    /// <summary>Storage (Table/Blob) does not answer: nothing was done, or what was done is kept; try again later.</summary>
    public static ProblemException StorageUnavailable() =>
        new(503, "Storage is unavailable.", "JIMP's storage is not answering right now: try again in a minute.") { RetryAfterSeconds = 30, Code = "storage-unavailable" };

    public static ProblemException BadRequest(string detail, string? code = null) =>
        new(400, "The request is not valid.", detail) { Code = code };
}

/// <summary>A 400 listing what is wrong with each field (camelCase names, as in the JSON body).</summary>
public sealed class RequestValidationException : ProblemException
{
    public RequestValidationException(IDictionary<string, string[]> errors)
        : this(errors, "The request is not valid.", "One or more fields are not valid.")
    {
    }

    /// <summary>With the title and detail in the caller's language (the console answers in the owner's).</summary>
    public RequestValidationException(IDictionary<string, string[]> errors, string title, string detail)
        : base(400, title, detail)
    {
        Errors = errors;
    }

    public IDictionary<string, string[]> Errors { get; }

    public static RequestValidationException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}
