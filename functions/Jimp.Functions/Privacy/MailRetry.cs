using Jimp.Functions.Platform.Email;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

/// <summary>The Durable retry policy of an activity that sends mail (see <see cref="EmailOptions.RetryAttempts"/>).</summary>
public sealed record MailRetry(int Attempts, TimeSpan FirstInterval, TimeSpan MaxInterval)
{
    public TaskOptions ToTaskOptions() =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(Attempts, FirstInterval, backoffCoefficient: 2, maxRetryInterval: MaxInterval));
}

/// <summary>
/// Hands the configured mail retry policy to an orchestration. Orchestrator code must be deterministic and cannot
/// read options; an activity's result is recorded in the history, so a replay sees the same policy.
/// </summary>
public sealed class MailRetrySettings(IOptions<EmailOptions> options)
{
    [Function(nameof(GetMailRetry))]
    public MailRetry GetMailRetry([ActivityTrigger] string purpose) =>
        new(options.Value.RetryAttempts, options.Value.RetryFirstInterval, options.Value.RetryMaxInterval);
}
