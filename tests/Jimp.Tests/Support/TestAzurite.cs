using Jimp.DevHost;

namespace Jimp.Tests.Support;

/// <summary>Makes sure Azurite runs for the test run: ./test.sh starts it; a bare `dotnet test` starts one in memory.</summary>
public static class TestAzurite
{
    // Off the xunit synchronization context: the port probe blocks, and with every runner thread waiting here it timed out.
    private static readonly Lazy<Task> Started = new(() => Task.Run(StartAsync));

    public static Task EnsureAsync() => Started.Value;

    public static string RepositoryRoot { get; } = Azurite.FindRepositoryRoot(AppContext.BaseDirectory);

    private static async Task StartAsync()
    {
        var azurite = await Azurite.EnsureRunningAsync(RepositoryRoot, dataFolder: null, TimeSpan.FromSeconds(60));
        if (azurite is not null)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
