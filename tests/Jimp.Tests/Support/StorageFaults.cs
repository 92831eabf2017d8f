using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Jimp.Functions.Platform.Storage;

namespace Jimp.Tests.Support;

public enum StorageFaultKind
{
    /// <summary>Storage answers 503 Server Busy.</summary>
    ServerBusy,

    /// <summary>The connection is reset before an answer.</summary>
    ConnectionReset,

    /// <summary>No answer within the network timeout: a wait, then the timeout the transport would raise.</summary>
    Timeout,
}

/// <summary>
/// Injects storage faults on the wire, inside the SDK's retries (so they are retried as real ones are): a 503, a
/// reset connection, a timeout. Off until <see cref="Rate"/> is set; seeded, so a run can be replayed.
/// </summary>
public sealed class StorageFaults(int seed) : HttpPipelinePolicy, IStorageWirePolicy
{
    private readonly Random random = new(seed);
    private readonly object gate = new();
    private int injected;
    private int passed;

    public HttpPipelinePolicy Policy => this;

    /// <summary>The share of storage requests that fail (0: none).</summary>
    public double Rate { get; set; }

    public StorageFaultKind[] Kinds { get; set; } = Enum.GetValues<StorageFaultKind>();

    public TimeSpan TimeoutDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public int Injected => Volatile.Read(ref injected);

    public int Passed => Volatile.Read(ref passed);

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        StorageFaultKind? fault = null;
        lock (gate)
        {
            if (Rate > 0 && random.NextDouble() < Rate) fault = Kinds[random.Next(Kinds.Length)];
        }
        if (fault is null)
        {
            Interlocked.Increment(ref passed);
            await ProcessNextAsync(message, pipeline);
            return;
        }
        Interlocked.Increment(ref injected);
        switch (fault)
        {
            case StorageFaultKind.ServerBusy:
                message.Response = new FaultResponse(503, "Server Busy");
                return;
            case StorageFaultKind.ConnectionReset:
                throw new RequestFailedException(0, "Injected: the connection was reset.", new IOException("Connection reset by peer (injected)."));
            default:
                await Task.Delay(TimeoutDelay, message.CancellationToken);
                throw new TaskCanceledException("Injected: the operation timed out.", new TimeoutException("Injected network timeout."));
        }
    }

    /// <summary>A bodiless answer made up by the fault policy.</summary>
    internal sealed class FaultResponse(int status, string reason) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => reason;

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = "";

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
