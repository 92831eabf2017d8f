using System.ComponentModel.DataAnnotations;

namespace Jimp.Functions.Accounts;

/// <summary>Sign-in, sessions and the age rule (section <c>Accounts</c>). Defaults are the policy's numbers.</summary>
public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    /// <summary>The minimum age, self-declared at sign-up (the policy says 16).</summary>
    [Range(13, 21)]
    public int MinimumAge { get; set; } = 16;

    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A session's last-seen time is written at most this often.</summary>
    public TimeSpan LastSeenInterval { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 1000)]
    public int LinksPerAddressPerHour { get; set; } = 5;

    [Range(1, 10000)]
    public int LinksPerIpPerHour { get; set; } = 30;

    [Range(1, 10000)]
    public int VerificationsPerIpPerHour { get; set; } = 60;

    /// <summary>Requests to change the address, per session and hour: its own budget, not sign-in's.</summary>
    [Range(1, 1000)]
    public int EmailChangesPerSessionPerHour { get; set; } = 3;

    /// <summary>Requests to change the address, per account and day (all its sessions together).</summary>
    [Range(1, 1000)]
    public int EmailChangesPerAccountPerDay { get; set; } = 5;

    /// <summary>
    /// Change-of-address e-mails one address receives per hour, counted apart from its sign-in links, so that
    /// asking to move an account to someone's address can neither flood them nor use up their sign-in links.
    /// </summary>
    [Range(1, 1000)]
    public int EmailChangesPerTargetPerHour { get; set; } = 3;
}
