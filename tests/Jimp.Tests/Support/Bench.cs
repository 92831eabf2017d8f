namespace Jimp.Tests.Support;

/// <summary>
/// Benchmarks carry <c>[Trait("Category", "Benchmark")]</c> (<see cref="Category"/>) and take their sizes from here:
/// smoke size in <c>./test.sh</c> (small enough to run on every change, still asserting each bound), full size in
/// <c>./bench.sh</c> (<c>JIMP_BENCH=full</c>), which prints the figures.
/// </summary>
public static class Bench
{
    public const string Category = "Benchmark";

    /// <summary>True under <c>./bench.sh</c> (<c>JIMP_BENCH=full</c>; <c>JIMP_BENCH_FULL=1</c> is read too).</summary>
    public static bool Full { get; } =
        string.Equals(Environment.GetEnvironmentVariable("JIMP_BENCH"), "full", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("JIMP_BENCH_FULL") == "1";

    /// <summary>The smoke or the full size of a figure.</summary>
    public static T Size<T>(T smoke, T full) => Full ? full : smoke;

    /// <summary>"smoke" or "full", for the printed figures.</summary>
    public static string Name => Full ? "full" : "smoke";
}
