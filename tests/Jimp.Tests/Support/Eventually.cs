using System.Diagnostics;

namespace Jimp.Tests.Support;

/// <summary>
/// Waits for something that happens in the background (an e-mail, an orchestration): reads again every 100 ms
/// until <c>done</c> holds or the patience runs out, and returns the last value read for the test to assert on.
/// The patience is generous because CI shares 2 cores with Azurite, smtp4dev and the other tests; a passing
/// test leaves as soon as its condition holds.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? patience = null)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var value = await read();
            if (done(value) || Stopwatch.GetElapsedTime(started) > (patience ?? Patience)) return value;
            await Task.Delay(100);
        }
    }
}
