using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Privacy;

/// <summary>An optional purpose the user may consent to (GDPR Art. 7), with the policy version that introduced it.</summary>
public sealed record ConsentPurpose(string Id, string LabelFr, string LabelEn, string DescriptionFr, string DescriptionEn, string IntroducedIn);

/// <summary>
/// Every consent purpose, declared here and nowhere else. All start off: a purpose with no ledger row is not
/// granted, so a purpose added later starts off for everyone.
/// </summary>
public static class ConsentPurposes
{
    public const string MarketingEmails = "marketing-emails";
    public const string ProductResearch = "product-research";

    public static IReadOnlyList<ConsentPurpose> All { get; } =
    [
        new(MarketingEmails,
            "E-mails de conseils et nouveautés", "Tips and news e-mails",
            "Recevoir de temps en temps par e-mail des conseils pour vendre en affiliation TikTok Shop et les nouveautés de JIMP. Vous pouvez retirer ce consentement à tout moment, en un clic.",
            "Receive occasional e-mails with TikTok Shop affiliate tips and JIMP news. You can withdraw this consent at any time, in one click.",
            "2.0.0"),
        new(ProductResearch,
            "Participer aux études pour améliorer JIMP", "Take part in studies to improve JIMP",
            "Être invité·e à des entretiens ou questionnaires pour améliorer JIMP. Sans ce consentement, personne ne vous contacte pour cela.",
            "Be invited to interviews or surveys to improve JIMP. Without this consent, nobody contacts you for this.",
            "2.0.0"),
    ];

    public static ConsentPurpose? Find(string? id) => All.FirstOrDefault(p => p.Id == id);
}

/// <summary>How a consent was given or withdrawn.</summary>
public static class ConsentChannels
{
    public const string Web = "web";

    /// <summary>A request received by e-mail, confirmed by the link sent to the account's address (the console).</summary>
    public const string EmailLink = "email-link";

    /// <summary>The one-click unsubscribe link of an e-mail (RFC 8058), clicked or posted by the mailbox provider.</summary>
    public const string Email = "email";
}

/// <summary>The state of one purpose for one user: off until the user grants it.</summary>
public sealed record ConsentState(ConsentPurpose Purpose, bool Granted, DateTimeOffset? ChangedAt, string? PolicyVersion, string? Channel);

/// <summary>One line of the ledger.</summary>
public sealed record ConsentRecord(string Purpose, bool Granted, string PolicyVersion, DateTimeOffset At, string Channel);

/// <summary>
/// The <c>consents</c> table: an append-only ledger (partition = user id, row = newest-first time + random, strictly
/// decreasing within a partition) of
/// every grant and withdrawal with the purpose, the state, the policy version in force, the time and the
/// channel. The current state of a purpose is its newest row; reading every state is one partition query.
/// </summary>
public sealed class ConsentLedger(JimpStorage storage, PolicyCalendar policies, TimeProvider clock)
{
    public const string Table = "consents";

    public async Task<ConsentRecord> AppendAsync(string userId, string purpose, bool granted, string channel, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var record = new ConsentRecord(purpose, granted, (await policies.GetAsync(cancellationToken)).Current(DateOnly.FromDateTime(now.UtcDateTime)).Version, now, channel);
        var table = await storage.TableAsync(Table, cancellationToken);
        // Newest first even when two changes share an instant: the new row always sorts before the newest one.
        var inverted = DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks;
        await foreach (var newest in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (long.TryParse(newest.RowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var newestInverted))
            {
                inverted = Math.Min(inverted, newestInverted - 1);
            }
            break;
        }
        await table.AddEntityAsync(new TableEntity(userId, inverted.ToString("D19", CultureInfo.InvariantCulture) + Secrets.NewId()[..8])
        {
            ["Purpose"] = record.Purpose,
            ["Granted"] = record.Granted,
            ["PolicyVersion"] = record.PolicyVersion,
            ["At"] = record.At,
            ["Channel"] = record.Channel,
        }, cancellationToken);
        return record;
    }

    /// <summary>Every ledger row of the user, newest first.</summary>
    public async Task<IReadOnlyList<ConsentRecord>> HistoryAsync(string userId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<ConsentRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId, cancellationToken: cancellationToken))
        {
            list.Add(new ConsentRecord(e.GetString("Purpose"), e.GetBoolean("Granted") ?? false, e.GetString("PolicyVersion") ?? "",
                e.GetDateTimeOffset("At") ?? default, e.GetString("Channel") ?? ""));
        }
        return list;
    }

    /// <summary>The state of each purpose (default: every declared one): its newest row, or off when it has none.</summary>
    public async Task<IReadOnlyList<ConsentState>> CurrentAsync(string userId, CancellationToken cancellationToken, IEnumerable<ConsentPurpose>? purposes = null)
    {
        var history = await HistoryAsync(userId, cancellationToken);
        return (purposes ?? ConsentPurposes.All).Select(p => history.FirstOrDefault(r => r.Purpose == p.Id) is { } latest
                ? new ConsentState(p, latest.Granted, latest.At, latest.PolicyVersion, latest.Channel)
                : new ConsentState(p, false, null, null, null))
            .ToList();
    }

    /// <summary>
    /// The users whose newest row for <paramref name="purpose"/> grants it (the console's count of a campaign's
    /// recipients): one query over the purpose's rows, read in key order, so the first row of each user is the newest.
    /// </summary>
    public async Task<HashSet<string>> GrantedUsersAsync(string purpose, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var granted = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.GetString("Purpose") == purpose, maxPerPage: 1000, select: ["PartitionKey", "RowKey", "Granted"], cancellationToken: cancellationToken))
        {
            if (seen.Add(e.PartitionKey) && (e.GetBoolean("Granted") ?? false)) granted.Add(e.PartitionKey);
        }
        return granted;
    }

    /// <summary>Whether the user grants <paramref name="purpose"/> now (read from the ledger every time, never cached).</summary>
    public async Task<bool> IsGrantedAsync(string userId, string purpose, CancellationToken cancellationToken = default)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == userId && x.GetString("Purpose") == purpose,
                           maxPerPage: 1, select: ["Granted"], cancellationToken: cancellationToken))
        {
            return e.GetBoolean("Granted") ?? false;
        }
        return false;
    }
}

/// <summary>The body of <c>PUT /api/me/consents/{purpose}</c>.</summary>
public sealed record ConsentChange([property: Required(ErrorMessage = "Say whether you grant this consent (true or false).")] bool? Granted);

/// <summary>A marketing e-mail in both languages; the account's language picks one.</summary>
public sealed record MarketingMessage(string SubjectFr, string TextFr, string SubjectEn, string TextEn);

/// <summary>
/// Sends non-essential e-mail (marketing, study invitations) only to those who consent to its purpose: the ledger is
/// read at send time, so a withdrawal takes effect for the very next e-mail. Restricted, minor-flagged or erasing accounts get
/// nothing either. Every message carries the one-click unsubscribe of RFC 8058 (<c>List-Unsubscribe</c> +
/// <c>List-Unsubscribe-Post</c>) and the same signed link in its text.
/// </summary>
public sealed class MarketingMailer(ConsentLedger ledger, AccountStore accounts, IEmailSender email, UnsubscribeLinks unsubscribe)
{
    /// <summary>Besides the consent: not restricted (no processing), not a minor's, not being erased.</summary>
    public static bool MayReceive(Account account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return !account.Restricted && !account.IsMinorFlagged && account.ErasingSince is null && !string.IsNullOrEmpty(account.Email);
    }

    /// <returns>Whether an e-mail was sent.</returns>
    public Task<bool> SendAsync(string userId, MarketingMessage message, CancellationToken cancellationToken) =>
        SendAsync(userId, ConsentPurposes.MarketingEmails, message, cancellationToken);

    /// <returns>Whether an e-mail was sent.</returns>
    public async Task<bool> SendAsync(string userId, string purpose, MarketingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var declared = ConsentPurposes.Find(purpose) ?? throw new ArgumentException("Unknown consent purpose.", nameof(purpose));
        if (!await ledger.IsGrantedAsync(userId, declared.Id, cancellationToken)) return false;
        var account = await accounts.GetAsync(userId, cancellationToken);
        if (account is null || !MayReceive(account)) return false;
        var page = unsubscribe.PageUrl(userId, declared.Id);
        var mail = account.Locale == "en"
            ? AccountEmails.WithLink(account.Email, message.SubjectEn, "Hello,", message.TextEn, page, "Unsubscribe in one click",
                $"You receive this e-mail because you agreed to \"{declared.LabelEn}\". The link above stops them at once, without signing in; you can also manage your consents in the privacy center ({unsubscribe.PrivacyCenterUrl}).")
            : AccountEmails.WithLink(account.Email, message.SubjectFr, "Bonjour,", message.TextFr, page, "Me désinscrire en un clic",
                $"Vous recevez cet e-mail parce que vous avez accepté « {declared.LabelFr} ». Le lien ci-dessus les arrête aussitôt, sans connexion ; vous pouvez aussi gérer vos consentements dans l'espace confidentialité ({unsubscribe.PrivacyCenterUrl}).");
        await email.SendAsync(mail with { OneClickUnsubscribe = unsubscribe.OneClickUrl(userId, declared.Id) }, cancellationToken);
        return true;
    }
}
