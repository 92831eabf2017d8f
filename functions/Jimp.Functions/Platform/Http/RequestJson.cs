using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Jimp.Functions.Platform.Http;

/// <summary>Reads a JSON body with a size limit and validates it; every failure is a 4xx problem.</summary>
public static class RequestJson
{
    public const int DefaultMaxBytes = 16 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken, int maxBytes = DefaultMaxBytes)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Items[ApiContract.RequestTypeKey] = typeof(T);
        if (request.ContentType is null || !request.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProblemException(415, "Unsupported media type.", "Send the body as application/json.") { Code = "unsupported-media-type" };
        }
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }
            buffer.Write(chunk, 0, read);
        }
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } path ? $" (at {path})" : "";
            throw new ProblemException(400, "The request is not valid.", $"The body is not valid JSON or a field has the wrong type{where}.") { Code = "malformed-json" };
        }
        if (value is null)
        {
            throw new ProblemException(400, "The request is not valid.", "The body must be a JSON object.") { Code = "malformed-json" };
        }
        Validate(value);
        return value;
    }

    /// <summary>Runs the data annotations of <paramref name="value"/>; throws a 400 with field errors.</summary>
    public static void Validate(object value)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            return;
        }
        var errors = results
            .SelectMany(r => (r.MemberNames.Any() ? r.MemberNames : [""]).Select(m => (Member: JsonNamingPolicy.CamelCase.ConvertName(m), r.ErrorMessage ?? "Invalid.")))
            .GroupBy(e => e.Member)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Item2).ToArray());
        throw new RequestValidationException(errors);
    }

    private static ProblemException TooLarge(int maxBytes) =>
        new(413, "Request body too large.", $"The body may be at most {maxBytes} bytes.") { Code = "too-large" };
}
