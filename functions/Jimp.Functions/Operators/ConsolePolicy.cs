using System.ComponentModel.DataAnnotations;
using Azure.Data.Tables;
using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;
using Jimp.Functions.Privacy;

namespace Jimp.Functions.Operators;

public sealed record AnnounceBody([property: Required(ErrorMessage = "Type the version number again to confirm.")] string? Confirm);

/// <summary>How far the mailing of an announcement went.</summary>
/// <param name="MailingId">Its mailing (<c>GET api/console/mailings/{id}</c> for live progress); null for an announcement of before mailings.</param>
public sealed record AnnouncementView(DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, int Sent, string? MailingId);

/// <param name="InForceFrom">The first day the version is (or will be) in force, with the 30 days after its announcement counted; null while it cannot be (a material version not announced).</param>
public sealed record PolicyVersionView(string Version, DateOnly Date, DateOnly Effective, bool Material, bool Current, bool Upcoming, DateOnly EarliestAnnounceableEffective, AnnouncementView? Announcement, DateOnly? InForceFrom);

public sealed record PolicyConsoleView(IReadOnlyList<PolicyVersionView> Versions, int Accounts);

/// <summary>The policy's and the CGU's versions, their dates and announcements, for the console.</summary>
public sealed class ConsolePolicy(PolicyDocuments policies, PolicyCalendar calendar, OperatorService operations, TermsOfUse terms, TermsAnnouncements termsAnnouncements, AccountStore accounts, JimpStorage storage, TimeProvider clock)
{
    public async Task<PolicyConsoleView> VersionsAsync(CancellationToken cancellationToken) =>
        await ViewAsync(policies, await calendar.GetAsync(cancellationToken), PolicyAnnouncements.Partition, cancellationToken);

    /// <summary>The CGU's versions: a material one is in force only 30 days after its announcement completed.</summary>
    public async Task<PolicyConsoleView> TermsVersionsAsync(CancellationToken cancellationToken) =>
        await ViewAsync(terms.Documents, await terms.ScheduleAsync(cancellationToken), TermsOfUse.Partition, cancellationToken);

    private async Task<PolicyConsoleView> ViewAsync(PolicyDocuments documents, PolicySchedule schedule, string partition, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var markers = await storage.TableAsync(PolicyAnnouncements.Table, cancellationToken);
        var byVersion = new Dictionary<string, AnnouncementView>(StringComparer.Ordinal);
        await foreach (var m in markers.QueryAsync<TableEntity>(x => x.PartitionKey == partition, cancellationToken: cancellationToken))
        {
            byVersion[m.RowKey] = new AnnouncementView(m.GetDateTimeOffset("StartedAt"), m.GetDateTimeOffset("CompletedAt"), m.GetInt32("Sent") ?? 0, m.GetString("MailingId"));
        }
        var current = schedule.Current(today);
        var count = await accounts.CountAsync(null, cancellationToken);
        var versions = documents.Versions.Select(v => new PolicyVersionView(v.Version, v.Date, v.Effective, v.Material, v.Version == current.Version, IsPending(schedule, v, current, today),
            today.AddDays(PolicyAnnouncements.NoticeDays), byVersion.GetValueOrDefault(v.Version), schedule.InForceFrom(v))).Reverse().ToList();
        return new PolicyConsoleView(versions, count);
    }

    /// <summary>Newer than the version in force and not in force yet (announced or not): a version the console can announce.</summary>
    private static bool IsPending(PolicySchedule schedule, PolicyVersion v, PolicyVersion current, DateOnly today) =>
        Version.Parse(v.Version) > Version.Parse(current.Version) && !(schedule.InForceFrom(v) is { } from && from <= today);

    /// <summary>Announces a material version; the version typed again confirms it. The 30-day notice is enforced by <see cref="PolicyAnnouncements"/>.</summary>
    public async Task<Mailings.MailingStarted> AnnounceAsync(string version, AnnounceBody body, string locale, Microsoft.DurableTask.Client.DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (policies.Versions.All(v => v.Version != version)) throw ProblemException.NotFound("policy version");
        RequireConfirmed(version, body, locale);
        return await operations.AnnounceAsync(version, client, cancellationToken, locale);
    }

    /// <summary>Announces a material CGU version, as a policy version is: confirmed by typing it again, 30 days ahead at least.</summary>
    public async Task<Mailings.MailingStarted> AnnounceTermsAsync(string version, AnnounceBody body, string locale, Microsoft.DurableTask.Client.DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var found = terms.Documents.Versions.FirstOrDefault(v => v.Version == version) ?? throw ProblemException.NotFound("terms version");
        RequireConfirmed(version, body, locale);
        return await termsAnnouncements.AnnounceAsync(found, client, cancellationToken, locale);
    }

    private static void RequireConfirmed(string version, AnnounceBody body, string locale)
    {
        if ((body.Confirm ?? "").Trim() != version)
        {
            throw RequestValidationException.For("confirm", locale == "en" ? "Type the version number again to confirm." : "Retapez le numéro de version pour confirmer.");
        }
    }
}
