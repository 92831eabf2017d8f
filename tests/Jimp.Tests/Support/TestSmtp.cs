using System.Diagnostics;
using Jimp.DevHost;

namespace Jimp.Tests.Support;

/// <summary>Makes sure the SMTP dev server runs: ./test.sh starts it; a bare `dotnet test` starts one here.</summary>
public static class TestSmtp
{
    // Off the xunit synchronization context: the port probe blocks, and with every runner thread waiting here it timed out.
    private static readonly Lazy<Task> Started = new(() => Task.Run(StartAsync));

    public static Task EnsureAsync() => Started.Value;

    private static async Task StartAsync()
    {
        if (Azurite.PortOpen(2525) && Azurite.PortOpen(5080)) return;
        var root = TestAzurite.RepositoryRoot;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "tool", "run", "smtp4dev", "--", "--urls=http://127.0.0.1:5080", "--smtpport=2525", "--bindaddress=127.0.0.1", "--imapport=0", "--pop3port=0", "--db=", "--messagestokeep=100000", "--hostname=localhost" })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { if (!process.HasExited) process.Kill(true); };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(Azurite.PortOpen(2525) && Azurite.PortOpen(5080)))
        {
            if (process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException("smtp4dev did not start.");
            await Task.Delay(200);
        }
    }
}
