using System.Collections.Concurrent;
using Jimp.DevHost;
using Microsoft.Extensions.Time.Testing;

namespace Jimp.Tests.Support;

/// <summary>
/// The host's <see cref="TimeProvider"/>: one fake clock per test that shares the host, chosen by the storage prefix
/// of the work being done (see <see cref="ScopedStoragePrefix"/>), so a test moving its clock never moves another's.
/// Work without a test prefix reads the host's own clock (the first one made).
/// </summary>
public sealed class TestClock : TimeProvider
{
    private readonly ConcurrentDictionary<string, FakeTimeProvider> clocks = new(StringComparer.Ordinal);
    private FakeTimeProvider? own;

    /// <summary>The clock of <paramref name="prefix"/>, made at <see cref="JimpTestHost.Start"/> on first use.</summary>
    public FakeTimeProvider For(string prefix)
    {
        var clock = clocks.GetOrAdd(prefix, _ => new FakeTimeProvider(JimpTestHost.Start));
        Interlocked.CompareExchange(ref own, clock, null);
        return clock;
    }

    public void Forget(string prefix) => clocks.TryRemove(prefix, out _);

    private TimeProvider Current =>
        ScopedStoragePrefix.CurrentPrefix is { } prefix && clocks.TryGetValue(prefix, out var clock) ? clock : own ?? System;

    public override DateTimeOffset GetUtcNow() => Current.GetUtcNow();

    public override long GetTimestamp() => Current.GetTimestamp();

    public override long TimestampFrequency => Current.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Current.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Current.CreateTimer(callback, state, dueTime, period);
}
