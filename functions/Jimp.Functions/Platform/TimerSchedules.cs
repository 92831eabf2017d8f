using System.Text.Json;

namespace Jimp.Functions.Platform;

/// <summary>
/// The timers' schedules (six-field NCRONTAB, UTC), defined once in <c>timer-schedules.json</c> beside this file:
/// Bicep loads that file into the function app's settings (<c>loadJsonContent</c>), the DevHost and the tests read it
/// through <see cref="Defaults"/>, and each timer names its setting with one of these constants. A setting given in
/// configuration (an app setting, an environment variable) still wins.
/// </summary>
public static class TimerSchedules
{
    public const string TrendsRefresh = "%Trends:RefreshSchedule%";
    public const string LogExpiry = "%Retention:LogExpirySchedule%";
    public const string Housekeeping = "%Retention:HousekeepingSchedule%";
    public const string Inactivity = "%Retention:InactivitySchedule%";
    public const string Insights = "%Insights:Schedule%";
    public const string Backups = "%Backups:Schedule%";

    /// <summary>Setting name (<c>Section:Setting</c>) → schedule, as written in <c>timer-schedules.json</c>.</summary>
    public static IReadOnlyDictionary<string, string> Defaults { get; } = Load();

    private static Dictionary<string, string> Load()
    {
        using var stream = typeof(TimerSchedules).Assembly.GetManifestResourceStream("Jimp.TimerSchedules.json")
            ?? throw new InvalidOperationException("timer-schedules.json is not embedded.");
        return JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [];
    }
}
