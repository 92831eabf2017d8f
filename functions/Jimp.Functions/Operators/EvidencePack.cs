using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using System.Text;
using Jimp.Functions.Privacy;

namespace Jimp.Functions.Operators;

/// <summary>
/// The evidence pack for an inspection: the register of processing (Art. 30), the compliance map, the log of
/// requests with their deadlines and when each was met, the breach register (Art. 33(5)) and the policy versions
/// with their announcement dates, in one ZIP.
/// </summary>
public sealed class EvidencePack(ConsoleRequests requests, BreachRegister breaches, ConsolePolicy policy, TimeProvider clock)
{
    public async Task<byte[]> BuildAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (pending, closed) = await requests.LogAsync(null, cancellationToken);
        var register = await breaches.ListAsync(cancellationToken);
        var versions = await policy.VersionsAsync(cancellationToken);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "README.txt", Readme(now));
            Add(zip, "register-of-processing.md", Resource("Jimp.Evidence.register.md"));
            Add(zip, "compliance-map.md", Resource("Jimp.Evidence.compliance-map.md"));
            Add(zip, "requests.csv", RequestsCsv(pending.Concat(closed)));
            Add(zip, "breach-register.csv", BreachRegister.Csv(register));
            Add(zip, "policy-versions.csv", PolicyCsv(versions.Versions));
        }
        return buffer.ToArray();
    }

    public static string RequestsCsv(IEnumerable<ConsoleRequestRow> rows)
    {
        var sb = new StringBuilder("id,type,channel,status,received_at,due_at,extended_until,extension_reason,confirmed_at,completed_at,met_deadline,outcome\n");
        foreach (var r in rows.OrderBy(r => r.ReceivedAt))
        {
            sb.AppendJoin(',', [r.Id, r.Type, r.Channel, r.Status, BreachRegister.Iso(r.ReceivedAt), BreachRegister.Iso(r.DueAt), BreachRegister.Iso(r.Extension?.Until),
                BreachRegister.Cell(r.Extension?.Reason), BreachRegister.Iso(r.ConfirmedAt), BreachRegister.Iso(r.CompletedAt),
                r.MetDeadline switch { true => "yes", false => "no", null => r.Overdue ? "overdue" : "pending" }, BreachRegister.Cell(r.Outcome)]).Append('\n');
        }
        return sb.ToString();
    }

    private static string PolicyCsv(IEnumerable<PolicyVersionView> versions)
    {
        var sb = new StringBuilder("version,date,effective,material,current,announcement_started_at,announcement_completed_at,emails_sent,notice_days_before_effective\n");
        foreach (var v in versions.OrderBy(v => v.Effective))
        {
            var days = v.Announcement?.StartedAt is { } started ? (v.Effective.DayNumber - DateOnly.FromDateTime(started.UtcDateTime).DayNumber).ToString(CultureInfo.InvariantCulture) : "";
            sb.AppendJoin(',', [v.Version, v.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), v.Effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                v.Material ? "true" : "false", v.Current ? "true" : "false", BreachRegister.Iso(v.Announcement?.StartedAt), BreachRegister.Iso(v.Announcement?.CompletedAt),
                (v.Announcement?.Sent ?? 0).ToString(CultureInfo.InvariantCulture), days]).Append('\n');
        }
        return sb.ToString();
    }

    private static string Readme(DateTimeOffset now) =>
        $"""
        JIMP — evidence pack, made {BreachRegister.Iso(now)}

        register-of-processing.md  the record of processing activities (GDPR Art. 30), generated from the code's registry of stores
        compliance-map.md          each promise of the privacy policy, the code that enforces it and the test that proves it
        requests.csv               every data-subject request: kind, channel, received, due, extension, completed, whether the deadline was met
        breach-register.csv        every personal-data breach, notified or not (Art. 33(5)), with the 72-hour deadline and the Art. 34 decision
        policy-versions.csv        the privacy policy's versions with their effective and announcement dates

        Requests of erased accounts keep only their dates and channel (the erasure's tombstone); requests of people
        without an account keep no address.
        """;

    private static void Add(ZipArchive zip, string name, string text)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name) ?? throw new InvalidOperationException($"{name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
