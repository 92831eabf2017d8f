using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace Jimp.Functions.Coaching;

/// <summary>
/// The events an answer hands to its turn's stream, read in order with the deltas already waiting merged into one:
/// each delta the stream yields is one server-sent event written and flushed, and a model streams a few characters a
/// chunk, so when the reader falls behind (a busy server, a slow connection) it writes what has arrived at once
/// instead of a flush per chunk. A delta that arrives alone is yielded alone, at once: merging never waits.
/// </summary>
internal static class ChatEventQueue
{
    public static async IAsyncEnumerable<ChatEvent> ReadMergedAsync(ChannelReader<ChatEvent> reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var text = new StringBuilder();
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var e))
            {
                if (e is ChatDeltaEvent delta)
                {
                    text.Append(delta.Text);
                    continue;
                }
                if (text.Length > 0)
                {
                    yield return new ChatDeltaEvent(text.ToString());
                    text.Clear();
                }
                yield return e;
            }
            if (text.Length > 0)
            {
                yield return new ChatDeltaEvent(text.ToString());
                text.Clear();
            }
        }
    }
}
