using System.Text;
using System.Text.Json;

namespace Jimp.Tests.Support;

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string Name, JsonElement Data);

public static class Sse
{
    /// <summary>Reads a whole <c>text/event-stream</c> body into its events.</summary>
    public static async Task<List<SseEvent>> ReadAllAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return Parse(text);
    }

    /// <summary>Parses a JIMP chat stream; every event is checked against docs/openapi.json (<see cref="ChatStreamContract"/>).</summary>
    public static List<SseEvent> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var events = new List<SseEvent>();
        foreach (var block in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            var data = new StringBuilder();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line[6..]);
            }
            if (name is null) continue;
            var parsed = JsonDocument.Parse(data.ToString()).RootElement.Clone();
            ChatStreamContract.Check(name, parsed);
            events.Add(new SseEvent(name, parsed));
        }
        return events;
    }

    public static string Text(IEnumerable<SseEvent> events)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            if (e.Name == "reset") text.Clear();
            if (e.Name == "delta") text.Append(e.Data.GetProperty("text").GetString());
        }
        return text.ToString();
    }
}
