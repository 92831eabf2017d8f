using System.Diagnostics;
using System.Net.Sockets;

namespace Jimp.DevHost;

/// <summary>
/// Starts Azurite (the npm package pinned in package.json) when nothing answers on the storage ports, keeps
/// its data in the git-ignored <c>.azurite/</c> folder, and stops it when the DevHost stops.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    public const int BlobPort = 10000;
    public const int QueuePort = 10001;
    public const int TablePort = 10002;

    private readonly Process process;

    private Azurite(Process process) => this.process = process;

    public static bool IsRunning()
    {
        // A busy machine can be slow to accept: look twice before concluding nothing listens.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (PortOpen(BlobPort) && PortOpen(TablePort)) return true;
        }
        return false;
    }

    /// <summary>Starts Azurite unless it already runs; returns null when it was already there.</summary>
    public static async Task<Azurite?> EnsureRunningAsync(string repositoryRoot, string? dataFolder, TimeSpan timeout)
    {
        if (IsRunning()) return null;
        var script = Path.Combine(repositoryRoot, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed: run 'npm ci' in {repositoryRoot} (./run.sh does it).");
        }
        var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, "--silent", "--skipApiVersionCheck", "--loose", "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1" })
        {
            start.ArgumentList.Add(arg);
        }
        if (dataFolder is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            Directory.CreateDirectory(dataFolder);
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(dataFolder);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + timeout;
        while (!IsRunning())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Azurite did not open its ports in time.");
            }
            await Task.Delay(100);
        }
        return new Azurite(process);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    public static bool PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(2)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The repository root: the nearest folder up from <paramref name="start"/> that holds JIMP.sln.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "JIMP.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No JIMP.sln above {start}.");
    }
}

/// <summary>Starts Azurite with the DevHost when configured, stops it with the DevHost.</summary>
internal sealed class AzuriteService(IOptions<DevHostOptions> options, IHostEnvironment environment) : IHostedService, IAsyncDisposable
{
    private Azurite? azurite;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.StartAzurite) return;
        var root = Azurite.FindRepositoryRoot(environment.ContentRootPath);
        azurite = await Azurite.EnsureRunningAsync(root, Path.Combine(root, ".azurite"), TimeSpan.FromSeconds(30));
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (azurite is not null)
        {
            await azurite.DisposeAsync();
            azurite = null;
        }
    }
}
