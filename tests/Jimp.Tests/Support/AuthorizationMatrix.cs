namespace Jimp.Tests.Support;

/// <summary>
/// One row per HTTP function that needs a signed-in user. <see cref="Path"/> may name the owner's resources
/// (<c>{conversationId}</c>, <c>{messageId}</c>, <c>{exportId}</c>): the matrix fills them with ids the owner
/// created. Rows run anonymously (401), as another user (404 on the owner's ids; never the owner's data), and
/// as the owner (<see cref="OwnerStatus"/>).
/// </summary>
public sealed record MatrixCase(string Method, string Path, object? Body = null, int OwnerStatus = 200)
{
    public bool UsesOwnerIds => Path.Contains('{', StringComparison.Ordinal);
}

public static class AuthorizationMatrix
{
    /// <summary>Functions for signed-in users. Each feature adds its rows here.</summary>
    public static IReadOnlyDictionary<string, MatrixCase> Cases { get; } = new Dictionary<string, MatrixCase>(StringComparer.Ordinal)
    {
        // Accounts
        ["GetMe"] = new("GET", "/api/me"),
        ["GetMyActivity"] = new("GET", "/api/me/activity"),
        ["ChangeEmail"] = new("POST", "/api/me/email", new { newEmail = "matrix-new@example.test" }, 202),
        ["Logout"] = new("POST", "/api/auth/logout", OwnerStatus: 204),
        ["LogoutEverywhere"] = new("POST", "/api/auth/logout-all"),
    };

    /// <summary>Operator functions (function key): without the key → 401; with it → <see cref="MatrixCase.OwnerStatus"/>.</summary>
    public static IReadOnlyDictionary<string, MatrixCase> OperatorCases { get; } = new Dictionary<string, MatrixCase>(StringComparer.Ordinal);

    /// <summary>Creates the owner's resources that rows refer to; features add what their rows need.</summary>
    public static Task<IReadOnlyDictionary<string, string>> CreateOwnerResourcesAsync(UserClient owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        IReadOnlyDictionary<string, string> ids = new Dictionary<string, string>(StringComparer.Ordinal);
        return Task.FromResult(ids);
    }

    public static string Fill(string path, IReadOnlyDictionary<string, string> ids)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var (name, value) in ids)
        {
            path = path.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }
        return path;
    }
}
