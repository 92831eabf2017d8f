using System.ComponentModel.DataAnnotations;
using Jimp.Functions.Platform.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Accounts;

/// <summary>The owner's console (section <c>Operators</c>): who may use it, and how long an operator's session lasts.</summary>
public sealed class OperatorOptions
{
    public const string Section = "Operators";

    /// <summary>Comma-separated addresses of the operators; empty means nobody has the console.</summary>
    public string Addresses { get; set; } = "";

    /// <summary>An operator's session is short: 8 hours unless configured.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How long the confirmation link of a request received by e-mail works.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan RequestConfirmationLinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a flagged minor's address stays blocked (a keyed hash, then deleted by housekeeping).</summary>
    [Range(typeof(TimeSpan), "30.00:00:00", "3650.00:00:00")]
    public TimeSpan MinorBlockRetention { get; set; } = TimeSpan.FromDays(3 * 365);
}

/// <summary>Who the operators are, from <see cref="OperatorOptions.Addresses"/>.</summary>
public sealed class OperatorDirectory(IOptions<OperatorOptions> options)
{
    private readonly HashSet<string> addresses = options.Value.Addresses
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(AccountStore.NormaliseEmail)
        .ToHashSet(StringComparer.Ordinal);

    public bool IsOperator(string? email) => email is not null && addresses.Contains(AccountStore.NormaliseEmail(email));

    public TimeSpan SessionLifetime => options.Value.SessionLifetime;

    public OperatorOptions Options => options.Value;
}

/// <summary>A signed-in operator: the pseudonymous user id every console action is logged under.</summary>
public sealed record SignedInOperator(string UserId, string Locale);

/// <summary>
/// The console's gate: a session (401 without), of an account whose address is an operator's (403 for anyone
/// else), no older than the operator session lifetime (401, sign in again).
/// </summary>
public sealed class OperatorAuth(SessionAuth auth, AccountStore accounts, OperatorDirectory operators, TimeProvider clock)
{
    public async Task<SignedInOperator> RequireOperatorAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var user = await auth.RequireUserAsync(request, cancellationToken);
        var account = await accounts.GetAsync(user.UserId, cancellationToken) ?? throw ProblemException.Unauthorized();
        if (!operators.IsOperator(account.Email))
        {
            throw ProblemException.Forbidden("The owner's console is for the operators listed in the settings.", "not-operator");
        }
        if (clock.GetUtcNow() - user.SessionCreatedAt > operators.SessionLifetime)
        {
            throw new ProblemException(401, "Sign in again.", "Operator sessions are short: sign in again to use the console.") { Code = "operator-session-expired" };
        }
        return new SignedInOperator(user.UserId, user.Locale);
    }
}
