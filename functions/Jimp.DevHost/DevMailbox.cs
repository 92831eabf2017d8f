using System.Net.Http.Json;
using System.Text.Json;

namespace Jimp.DevHost;

/// <summary>One captured e-mail, as <c>GET /dev/mailbox</c> shows it.</summary>
public sealed record CapturedMail(string To, string Subject, string Text, string Html, DateTimeOffset ReceivedAt);

/// <summary>
/// Reads the mail the SMTP dev server (smtp4dev) captured, through its REST API, so a developer can click a
/// sign-in link and tests can read it. DevHost only: never deployed.
/// </summary>
public sealed class DevMailbox(HttpClient http)
{
    public async Task<IReadOnlyList<CapturedMail>> ReadAsync(string? to, CancellationToken cancellationToken)
    {
        var page = await http.GetFromJsonAsync<JsonElement>("api/messages?page=1&pageSize=500", cancellationToken);
        var mails = new List<CapturedMail>();
        foreach (var message in page.GetProperty("results").EnumerateArray())
        {
            var recipients = message.GetProperty("to").EnumerateArray().Select(t => t.GetString() ?? "").ToList();
            if (to is not null && !recipients.Any(r => r.Contains(to, StringComparison.OrdinalIgnoreCase))) continue;
            var id = message.GetProperty("id").GetString();
            var text = await http.GetStringAsync($"api/messages/{id}/plaintext", cancellationToken);
            var html = await http.GetStringAsync($"api/messages/{id}/html", cancellationToken);
            mails.Add(new CapturedMail(string.Join(", ", recipients), message.GetProperty("subject").GetString() ?? "", text, html,
                message.GetProperty("receivedDate").GetDateTimeOffset()));
        }
        return mails.OrderByDescending(m => m.ReceivedAt).ToList();
    }
}
