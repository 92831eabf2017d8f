namespace Jimp.Tests.Support;

/// <summary>
/// One row per HTTP function that needs a signed-in user: how to call it for a given owner's resource.
/// The matrix test calls each row anonymously (401), as another user (404) and as the owner (success).
/// </summary>
public sealed record MatrixCase(string Method, Func<MatrixIds, string> Path, object? Body = null, int OwnerStatus = 200);

/// <summary>The ids of the owner's resources, created by the matrix fixture before the rows run.</summary>
public sealed record MatrixIds(string ConversationId, string ExportId, string RequestId);

public static class AuthorizationMatrix
{
    /// <summary>Functions for signed-in users. Later features add their rows here.</summary>
    public static IReadOnlyDictionary<string, MatrixCase> Cases { get; } = new Dictionary<string, MatrixCase>(StringComparer.Ordinal)
    {
        ["GetTrends"] = new("GET", _ => "/api/trends?country=FR"),
    };

    /// <summary>Operator functions (function key): without the key → 401; with it → success.</summary>
    public static IReadOnlyDictionary<string, MatrixCase> OperatorCases { get; } = new Dictionary<string, MatrixCase>(StringComparer.Ordinal);
}
