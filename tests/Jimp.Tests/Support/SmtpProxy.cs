using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Jimp.Tests.Support;

/// <summary>What the SMTP proxy does to the next connections.</summary>
public enum SmtpFault
{
    /// <summary>Passes every byte both ways.</summary>
    None,

    /// <summary>Answers <c>421</c> at once and hangs up, as a server that refuses service.</summary>
    Refuse,

    /// <summary>Holds each chunk for <see cref="SmtpProxy.Delay"/> before passing it on.</summary>
    Slow,

    /// <summary>Passes the dialogue but hangs up in the middle of the message, after DATA.</summary>
    DropMidMessage,
}

/// <summary>
/// A small SMTP proxy on 127.0.0.1 in front of the SMTP dev server (2525), which a test can break: refuse, slow
/// down, or drop the connection in the middle of a message. Counts the connections and what became of them.
/// </summary>
public sealed class SmtpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private int connections;
    private int faulted;

    public SmtpProxy()
    {
        listener.Start();
        accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>The fault applied to connections opened from now on.</summary>
    public SmtpFault Fault { get; set; }

    /// <summary>How many connections the fault applies to before the proxy heals by itself (null: until changed).</summary>
    public int? FaultsLeft { get; set; }

    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    public int Connections => Volatile.Read(ref connections);

    public int Faulted => Volatile.Read(ref faulted);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            Interlocked.Increment(ref connections);
            var fault = Fault;
            if (fault != SmtpFault.None)
            {
                Interlocked.Increment(ref faulted);
                if (FaultsLeft is { } left && left <= 1)
                {
                    FaultsLeft = null;
                    Fault = SmtpFault.None;
                }
                else if (FaultsLeft is { } more) FaultsLeft = more - 1;
            }
            _ = Task.Run(() => HandleAsync(client, fault));
        }
    }

    private async Task HandleAsync(TcpClient client, SmtpFault fault)
    {
        using (client)
        {
            var downstream = client.GetStream();
            if (fault == SmtpFault.Refuse)
            {
                await downstream.WriteAsync(Encoding.ASCII.GetBytes("421 4.3.2 Service not available, try again later\r\n"));
                return;
            }
            using var server = new TcpClient();
            await server.ConnectAsync(IPAddress.Loopback, 2525);
            var upstream = server.GetStream();
            using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            var toServer = PumpAsync(downstream, upstream, fault, fromClient: true, hangUp);
            var toClient = PumpAsync(upstream, downstream, fault, fromClient: false, hangUp);
            await Task.WhenAny(toServer, toClient);
            await hangUp.CancelAsync();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, SmtpFault fault, bool fromClient, CancellationTokenSource hangUp)
    {
        var buffer = new byte[8192];
        var inData = false;
        try
        {
            while (true)
            {
                var n = await from.ReadAsync(buffer, hangUp.Token);
                if (n == 0) return;
                if (fault == SmtpFault.Slow) await Task.Delay(Delay, hangUp.Token);
                if (fault == SmtpFault.DropMidMessage && fromClient)
                {
                    var text = Encoding.ASCII.GetString(buffer, 0, n);
                    if (inData)
                    {
                        // Pass half of the first chunk of the message, then hang up on both sides.
                        await to.WriteAsync(buffer.AsMemory(0, Math.Max(1, n / 2)), hangUp.Token);
                        return;
                    }
                    if (text.StartsWith("DATA", StringComparison.OrdinalIgnoreCase) || text.Contains("\r\nDATA\r\n", StringComparison.OrdinalIgnoreCase)) inData = true;
                }
                await to.WriteAsync(buffer.AsMemory(0, n), hangUp.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // One side hung up: the caller closes both.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }
        stop.Dispose();
    }
}
