using Jimp.Functions.Platform;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Functions.Retention;

public sealed class RetentionFunctions(LogExpiryService expiry)
{
    [Function(nameof(ExpireLogs))]
    public Task ExpireLogs([TimerTrigger(TimerSchedules.LogExpiry)] TimerInfo timer, CancellationToken cancellationToken) =>
        expiry.RunAsync(cancellationToken);
}
