using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Platform;

/// <summary>How much one user may ask for (section <c>Caps</c>): far above any real use, low enough that no account can flood storage, SMTP or the orchestrations.</summary>
public sealed class UserCapsOptions
{
    public const string Section = "Caps";

    [Range(1, 10000)]
    public int ExportsPerDay { get; set; } = 10;

    [Range(1, 100000)]
    public int ConversationsPerDay { get; set; } = 200;

    [Range(1, 100000)]
    public int ConsentChangesPerHour { get; set; } = 60;
}

/// <summary>A capped action of one user.</summary>
public enum UserCap
{
    Export,
    Conversation,
    ConsentChange,
}

/// <summary>Per-user caps on costly or ledgered actions: past the cap, a 429 problem with <c>Retry-After</c>.</summary>
public sealed class UserCaps(RateLimits limits, IOptions<UserCapsOptions> options)
{
    /// <summary>Every cap's rate-limit key kind, for erasure.</summary>
    public static readonly string[] Kinds = ["change", .. Enum.GetValues<UserCap>().Select(Kind)];

    public Task HitAsync(string userId, UserCap cap, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var (limit, window) = cap switch
        {
            UserCap.Export => (o.ExportsPerDay, TimeSpan.FromDays(1)),
            UserCap.Conversation => (o.ConversationsPerDay, TimeSpan.FromDays(1)),
            _ => (o.ConsentChangesPerHour, TimeSpan.FromHours(1)),
        };
        return limits.HitAsync(RateLimits.AccountKey(userId, Kind(cap)), limit, window, cancellationToken);
    }

    private static string Kind(UserCap cap) => cap switch
    {
        UserCap.Export => "export",
        UserCap.Conversation => "conversation",
        _ => "consent",
    };
}
