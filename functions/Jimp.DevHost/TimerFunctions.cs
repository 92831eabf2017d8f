using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace Jimp.DevHost;

/// <summary>Runs each <c>[TimerTrigger]</c> on its NCRONTAB schedule and on demand, as the Functions host does.</summary>
internal sealed partial class TimerFunctions(IServiceProvider services, IConfiguration configuration, ILogger<TimerFunctions> logger)
{
    /// <summary>The schedule with <c>%Setting%</c> expanded from configuration; six fields (seconds first).</summary>
    public CrontabSchedule ScheduleOf(FunctionDescriptor timer)
    {
        var expression = Setting().Replace(timer.Timer!.Schedule, m =>
            configuration[m.Groups[1].Value] is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"Timer {timer.Name} uses %{m.Groups[1].Value}% but that setting is missing."));
        return CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
    }

    public async Task RunAsync(FunctionDescriptor timer, bool isPastDue, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var schedule = ScheduleOf(timer);
        var now = DateTime.UtcNow;
        var info = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus { Last = now, Next = schedule.GetNextOccurrence(now), LastUpdated = now },
        };
        LogRunning(logger, timer.Name);
        await FunctionInvoker.InvokeAsync(timer, scope.ServiceProvider, (ParameterInfo p, out object? value) =>
        {
            value = null;
            if (p.ParameterType == typeof(TimerInfo)) value = info;
            else if (p.ParameterType == typeof(CancellationToken)) value = cancellationToken;
            else if (p.ParameterType == typeof(FunctionContext)) value = new DevFunctionContext(timer, scope.ServiceProvider, cancellationToken);
            else if (p.GetCustomAttribute<DurableClientAttribute>() is not null) value = scope.ServiceProvider.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>();
            else return false;
            return true;
        });
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Setting();

    [LoggerMessage(Level = LogLevel.Information, Message = "Running timer {Function}")]
    private static partial void LogRunning(ILogger logger, string function);
}

/// <summary>The background loop that fires every timer at its next occurrence.</summary>
internal sealed partial class TimerScheduler(TimerFunctions timers, HostedFunctions functions, IOptions<DevHostOptions> options, ILogger<TimerScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunTimers)
        {
            return Task.CompletedTask;
        }
        var loops = functions.All.Where(f => f.Kind == TriggerKind.Timer).Select(t => LoopAsync(t, stoppingToken));
        return Task.WhenAll(loops);
    }

    private async Task LoopAsync(FunctionDescriptor timer, CancellationToken stoppingToken)
    {
        var schedule = timers.ScheduleOf(timer);
        if (timer.Timer!.RunOnStartup)
        {
            await RunSafelyAsync(timer, stoppingToken);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = DateTime.UtcNow;
            var delay = schedule.GetNextOccurrence(now) - now;
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await RunSafelyAsync(timer, stoppingToken);
        }
    }

    private async Task RunSafelyAsync(FunctionDescriptor timer, CancellationToken stoppingToken)
    {
        try
        {
            await timers.RunAsync(timer, isPastDue: false, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Like the Functions host: a failed timer run is logged, never retried, and the schedule goes on.
            LogFailed(logger, timer.Name, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Function} failed with {ExceptionType}")]
    private static partial void LogFailed(ILogger logger, string function, string exceptionType);
}
