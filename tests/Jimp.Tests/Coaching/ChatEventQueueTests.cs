using System.Threading.Channels;
using Jimp.Functions.Coaching;

namespace Jimp.Tests.Coaching;

public sealed class ChatEventQueueTests
{
    [Fact]
    public async Task Deltas_waiting_together_go_out_as_one_and_every_other_event_keeps_its_place()
    {
        var channel = Channel.CreateUnbounded<ChatEvent>();
        ChatEvent[] written =
        [
            new ChatDeltaEvent("Voi"), new ChatDeltaEvent("ci "), new ChatDeltaEvent("trois"),
            new ChatResetEvent(),
            new ChatDeltaEvent("Réponse "), new ChatDeltaEvent("automatique"),
            new ChatErrorEvent(503, "Indisponible", "Réessaie.", "storage-unavailable", "m1"),
        ];
        foreach (var e in written) await channel.Writer.WriteAsync(e);
        channel.Writer.Complete();

        var read = new List<ChatEvent>();
        await foreach (var e in ChatEventQueue.ReadMergedAsync(channel.Reader)) read.Add(e);

        Assert.Equal(["delta", "reset", "delta", "error"], read.Select(e => e.Name));
        Assert.Equal("Voici trois", ((ChatDeltaEvent)read[0]).Text);
        Assert.Equal("Réponse automatique", ((ChatDeltaEvent)read[2]).Text);
        Assert.Same(written[3], read[1]);
        Assert.Same(written[6], read[3]);
    }

    [Fact]
    public async Task A_delta_that_arrives_alone_is_yielded_at_once_without_waiting_for_the_next()
    {
        var channel = Channel.CreateUnbounded<ChatEvent>();
        await using var reading = ChatEventQueue.ReadMergedAsync(channel.Reader).GetAsyncEnumerator();
        await channel.Writer.WriteAsync(new ChatDeltaEvent("Voici "));
        var first = reading.MoveNextAsync().AsTask();
        Assert.True(await first.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("Voici ", ((ChatDeltaEvent)reading.Current).Text);

        // The next one is not there yet: the reader waits for it, then yields it alone too.
        var second = reading.MoveNextAsync().AsTask();
        Assert.False(second.IsCompleted);
        await channel.Writer.WriteAsync(new ChatDeltaEvent("trois idées"));
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("trois idées", ((ChatDeltaEvent)reading.Current).Text);
        channel.Writer.Complete();
        Assert.False(await reading.MoveNextAsync());
    }
}
