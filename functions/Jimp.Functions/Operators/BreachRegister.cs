using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Jimp.Functions.Platform.Http;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Functions.Operators;

/// <summary>An incident as the operator records it (GDPR Art. 33(5): facts, effects, remedial action). Describe, never name people.</summary>
public sealed record BreachBody(
    [property: Required(ErrorMessage = "Enter when the breach was detected.")] DateTimeOffset? DetectedAt,
    [property: Required(ErrorMessage = "Describe what happened."), StringLength(4000, MinimumLength = 5, ErrorMessage = "Describe what happened (5 to 4,000 characters).")] string? Nature,
    [property: Required(ErrorMessage = "Say which data are concerned."), StringLength(1000, MinimumLength = 2, ErrorMessage = "Say which data (2 to 1,000 characters).")] string? DataCategories,
    [property: Required(ErrorMessage = "Give the approximate number of people."), Range(0, 100_000_000, ErrorMessage = "The number of people is 0 or more.")] int? PeopleCount,
    [property: StringLength(2000, ErrorMessage = "At most 2,000 characters.")] string? Consequences,
    [property: Required(ErrorMessage = "Describe the measures taken or proposed."), StringLength(4000, MinimumLength = 2, ErrorMessage = "Describe the measures (2 to 4,000 characters).")] string? Measures);

/// <summary>What happened next: the notification to the CNIL (Art. 33) and the decision to tell the people (Art. 34).</summary>
public sealed record BreachUpdateBody(
    DateTimeOffset? CnilNotifiedAt,
    [property: StringLength(2000, ErrorMessage = "At most 2,000 characters.")] string? CnilReference,
    [property: StringLength(2000, ErrorMessage = "At most 2,000 characters.")] string? DelayReason,
    bool? NoRiskNotNotified,
    bool? HighRisk,
    [property: StringLength(2000, ErrorMessage = "At most 2,000 characters.")] string? Art34Reason,
    DateTimeOffset? PeopleInformedAt);

public sealed record Breach(
    string Id,
    DateTimeOffset RecordedAt,
    DateTimeOffset DetectedAt,
    string Nature,
    string DataCategories,
    int PeopleCount,
    string? Consequences,
    string Measures,
    DateTimeOffset? CnilNotifiedAt,
    string? CnilReference,
    string? DelayReason,
    bool NoRiskNotNotified,
    bool? HighRisk,
    string? Art34Reason,
    DateTimeOffset? PeopleInformedAt)
{
    public static readonly TimeSpan NotificationWindow = TimeSpan.FromHours(72);

    /// <summary>72 hours after the owner became aware of it (Art. 33(1)).</summary>
    public DateTimeOffset CnilDeadline => DetectedAt + NotificationWindow;
}

/// <summary>A breach with its clock, as the console shows it.</summary>
public sealed record BreachView(Breach Breach, DateTimeOffset CnilDeadline, double HoursLeft, bool CnilLate, bool PeopleMustBeTold, string Draft);

/// <summary>
/// The breach register (<c>breaches</c>, one partition): every incident, notified or not. It holds descriptions
/// the operator writes, without naming people (declared as holding no personal data).
/// </summary>
public sealed class BreachRegister(JimpStorage storage, TimeProvider clock)
{
    public const string Table = "breaches";
    private const string Partition = "breach";

    public async Task<Breach> RecordAsync(BreachBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var now = clock.GetUtcNow();
        if (body.DetectedAt > now.AddMinutes(5)) throw RequestValidationException.For("detectedAt", "The detection time cannot be in the future.");
        var breach = new Breach(Coaching.ConversationStore.NewestFirst(now) + Platform.Secrets.NewId()[..6], now, body.DetectedAt!.Value.ToUniversalTime(), body.Nature!.Trim(),
            body.DataCategories!.Trim(), body.PeopleCount!.Value, body.Consequences?.Trim(), body.Measures!.Trim(), null, null, null, false, null, null, null);
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.AddEntityAsync(ToEntity(breach), cancellationToken);
        return breach;
    }

    public async Task<Breach> UpdateAsync(string id, BreachUpdateBody body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var breach = await FindAsync(id, cancellationToken) ?? throw ProblemException.NotFound("breach");
        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body.CnilNotifiedAt > now.AddMinutes(5)) errors["cnilNotifiedAt"] = ["The notification time cannot be in the future."];
        if (body.CnilNotifiedAt is { } n && n > breach.CnilDeadline && string.IsNullOrWhiteSpace(body.DelayReason ?? breach.DelayReason))
            errors["delayReason"] = ["A notification after 72 hours must give the reasons for the delay (Art. 33(1))."];
        if (body.PeopleInformedAt > now.AddMinutes(5)) errors["peopleInformedAt"] = ["The time cannot be in the future."];
        if (body.HighRisk == false && string.IsNullOrWhiteSpace(body.Art34Reason ?? breach.Art34Reason))
            errors["art34Reason"] = ["Say why the people need not be told (no high risk, or an Art. 34(3) exception)."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var updated = breach with
        {
            CnilNotifiedAt = body.CnilNotifiedAt?.ToUniversalTime() ?? breach.CnilNotifiedAt,
            CnilReference = body.CnilReference?.Trim() ?? breach.CnilReference,
            DelayReason = body.DelayReason?.Trim() ?? breach.DelayReason,
            NoRiskNotNotified = body.NoRiskNotNotified ?? breach.NoRiskNotNotified,
            HighRisk = body.HighRisk ?? breach.HighRisk,
            Art34Reason = body.Art34Reason?.Trim() ?? breach.Art34Reason,
            PeopleInformedAt = body.PeopleInformedAt?.ToUniversalTime() ?? breach.PeopleInformedAt,
        };
        var table = await storage.TableAsync(Table, cancellationToken);
        await table.UpsertEntityAsync(ToEntity(updated), TableUpdateMode.Replace, cancellationToken);
        return updated;
    }

    public async Task<Breach?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (!Platform.Storage.TableLimitsPolicy.IsValidKey(id)) return null;
        var table = await storage.TableAsync(Table, cancellationToken);
        var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition, id, cancellationToken: cancellationToken);
        return found.HasValue ? ToBreach(found.Value!) : null;
    }

    /// <summary>Every breach, newest first.</summary>
    public async Task<IReadOnlyList<Breach>> ListAsync(CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(Table, cancellationToken);
        var list = new List<Breach>();
        await foreach (var e in table.QueryAsync<TableEntity>(x => x.PartitionKey == Partition, cancellationToken: cancellationToken))
        {
            list.Add(ToBreach(e));
        }
        return list;
    }

    public BreachView View(Breach breach)
    {
        ArgumentNullException.ThrowIfNull(breach);
        var now = clock.GetUtcNow();
        var left = (breach.CnilDeadline - now).TotalHours;
        var late = breach.CnilNotifiedAt is { } at ? at > breach.CnilDeadline : !breach.NoRiskNotNotified && now > breach.CnilDeadline;
        return new BreachView(breach, breach.CnilDeadline, Math.Round(left, 1), late, breach.HighRisk == true && breach.PeopleInformedAt is null, Draft(breach));
    }

    /// <summary>A draft of the notification to the CNIL with the items of Art. 33(3), to paste into the CNIL's online service.</summary>
    public static string Draft(Breach b)
    {
        ArgumentNullException.ThrowIfNull(b);
        var fr = CultureInfo.GetCultureInfo("fr-FR");
        var sb = new StringBuilder();
        sb.AppendLine("Notification d'une violation de données personnelles (RGPD, art. 33)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Responsable du traitement : JIMP — [nom et coordonnées du point de contact, art. 33(3)(b)]");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Date et heure de la découverte : {b.DetectedAt.UtcDateTime.ToString("d MMMM yyyy HH:mm 'UTC'", fr)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Échéance de notification (72 h) : {b.CnilDeadline.UtcDateTime.ToString("d MMMM yyyy HH:mm 'UTC'", fr)}");
        sb.AppendLine();
        sb.AppendLine("a) Nature de la violation :");
        sb.AppendLine(b.Nature);
        sb.AppendLine(CultureInfo.InvariantCulture, $"Catégories de données concernées : {b.DataCategories}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"Nombre approximatif de personnes concernées : {b.PeopleCount.ToString("N0", fr)}");
        sb.AppendLine();
        sb.AppendLine("c) Conséquences probables :");
        sb.AppendLine(string.IsNullOrWhiteSpace(b.Consequences) ? "[à compléter]" : b.Consequences);
        sb.AppendLine();
        sb.AppendLine("d) Mesures prises ou envisagées, y compris pour en atténuer les effets :");
        sb.AppendLine(b.Measures);
        if (!string.IsNullOrWhiteSpace(b.DelayReason))
        {
            sb.AppendLine();
            sb.AppendLine("Motifs du retard (notification après 72 heures) :");
            sb.AppendLine(b.DelayReason);
        }
        sb.AppendLine();
        sb.AppendLine(b.HighRisk switch
        {
            true => "Information des personnes (art. 34) : oui, risque élevé" + (b.PeopleInformedAt is { } at ? $" ; informées le {at.UtcDateTime.ToString("d MMMM yyyy", fr)}." : " ; information en cours."),
            false => "Information des personnes (art. 34) : non — " + (b.Art34Reason ?? ""),
            null => "Information des personnes (art. 34) : décision à prendre.",
        });
        return sb.ToString();
    }

    /// <summary>The CSV's header line (also named in the HTTP contract).</summary>
    public const string CsvHeader = "id,recorded_at,detected_at,nature,data_categories,people_count,consequences,measures,cnil_deadline,cnil_notified_at,cnil_reference,delay_reason,no_risk_not_notified,high_risk,art34_reason,people_informed_at";

    /// <summary>The register as CSV (UTF-8, one line per breach), for the evidence pack and the export.</summary>
    public static string Csv(IEnumerable<Breach> breaches)
    {
        var sb = new StringBuilder(CsvHeader + "\n");
        foreach (var b in breaches)
        {
            sb.AppendJoin(',', [b.Id, Iso(b.RecordedAt), Iso(b.DetectedAt), Cell(b.Nature), Cell(b.DataCategories), b.PeopleCount.ToString(CultureInfo.InvariantCulture), Cell(b.Consequences),
                Cell(b.Measures), Iso(b.CnilDeadline), Iso(b.CnilNotifiedAt), Cell(b.CnilReference), Cell(b.DelayReason), b.NoRiskNotNotified ? "true" : "false",
                b.HighRisk switch { true => "true", false => "false", null => "" }, Cell(b.Art34Reason), Iso(b.PeopleInformedAt)]).Append('\n');
        }
        return sb.ToString();
    }

    public static string Iso(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A CSV cell: quoted, quotes doubled, and a leading = + - @ neutralised (no formula injection in a spreadsheet).</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var text = value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static TableEntity ToEntity(Breach b) => new(Partition, b.Id)
    {
        ["RecordedAt"] = b.RecordedAt,
        ["DetectedAt"] = b.DetectedAt,
        ["Nature"] = b.Nature,
        ["DataCategories"] = b.DataCategories,
        ["PeopleCount"] = b.PeopleCount,
        ["Consequences"] = b.Consequences,
        ["Measures"] = b.Measures,
        ["CnilNotifiedAt"] = b.CnilNotifiedAt,
        ["CnilReference"] = b.CnilReference,
        ["DelayReason"] = b.DelayReason,
        ["NoRiskNotNotified"] = b.NoRiskNotNotified,
        ["HighRisk"] = b.HighRisk,
        ["Art34Reason"] = b.Art34Reason,
        ["PeopleInformedAt"] = b.PeopleInformedAt,
    };

    private static Breach ToBreach(TableEntity e) => new(
        e.RowKey, e.GetDateTimeOffset("RecordedAt") ?? default, e.GetDateTimeOffset("DetectedAt") ?? default, e.GetString("Nature") ?? "",
        e.GetString("DataCategories") ?? "", e.GetInt32("PeopleCount") ?? 0, e.GetString("Consequences"), e.GetString("Measures") ?? "",
        e.GetDateTimeOffset("CnilNotifiedAt"), e.GetString("CnilReference"), e.GetString("DelayReason"), e.GetBoolean("NoRiskNotNotified") ?? false,
        e.GetBoolean("HighRisk"), e.GetString("Art34Reason"), e.GetDateTimeOffset("PeopleInformedAt"));
}
