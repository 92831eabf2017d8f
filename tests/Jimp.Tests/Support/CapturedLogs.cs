using System.Collections.Concurrent;
using Jimp.DevHost;
using Microsoft.Extensions.Logging;

namespace Jimp.Tests.Support;

/// <summary>
/// Every log line a host wrote, formatted with its arguments, so tests can scan them for personal data. A test that
/// shares the host reads its own view (<see cref="ForPrefix"/>): the lines written under its storage prefix, and the
/// lines written under none while the view was open (the host's own, engine lines among them), which is stricter
/// than its lines alone.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly ConcurrentDictionary<CapturedLogs, string> views = new();
    private readonly CapturedLogs? parent;

    public CapturedLogs()
    {
    }

    private CapturedLogs(CapturedLogs parent) => this.parent = parent;

    public IReadOnlyCollection<string> Lines => lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    /// <summary>A view that collects from now on the lines of <paramref name="prefix"/> and those of no prefix, until disposed.</summary>
    public CapturedLogs ForPrefix(string prefix)
    {
        var view = new CapturedLogs(this);
        views[view] = prefix;
        return view;
    }

    public void Dispose() => parent?.views.TryRemove(this, out _);

    private void Add(string line)
    {
        lines.Enqueue(line);
        var prefix = ScopedStoragePrefix.CurrentPrefix;
        foreach (var (view, viewPrefix) in views)
        {
            if (prefix is null || prefix == viewPrefix) view.lines.Enqueue(line);
        }
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
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
            logs.Add(line);
        }
    }
}
