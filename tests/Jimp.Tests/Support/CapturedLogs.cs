using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Jimp.Tests.Support;

/// <summary>Every log line a host wrote, formatted with its arguments, so tests can scan them for personal data.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyCollection<string> Lines => lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                line += " | " + string.Join("; ", values.Select(kv => $"{kv.Key}={kv.Value}"));
            }
            if (exception is not null)
            {
                line += " | " + exception;
            }
            lines.Enqueue(line);
        }
    }
}
