using System.Net.Http.Json;
using System.Text.Json;

namespace Jimp.DevHost;

/// <summary>One captured e-mail, as <c>GET /dev/mailbox</c> shows it.</summary>
public sealed record CapturedMail(string To, string Subject, string Text, string Html, DateTimeOffset ReceivedAt, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// Reads the mail the SMTP dev server (smtp4dev) captured, through its REST API, so a developer can click a
/// sign-in link and tests can read it. DevHost only: never deployed.
/// </summary>
public sealed class DevMailbox(HttpClient http)
{
    public async Task<IReadOnlyList<CapturedMail>> ReadAsync(string? to, CancellationToken cancellationToken)
    {
        // smtp4dev searches its messages itself (subject, sender, recipients), so a read for one address lists that
        // address's messages, not the newest 500 of everybody's (a test run sends thousands; tests poll this).
        var search = to is null ? "" : "&searchTerms=" + Uri.EscapeDataString(to);
        var page = await http.GetFromJsonAsync<JsonElement>("api/messages?page=1&pageSize=500" + search, cancellationToken);
        var mails = new List<CapturedMail>();
        foreach (var message in page.GetProperty("results").EnumerateArray())
        {
            var recipients = message.GetProperty("to").EnumerateArray().Select(t => t.GetString() ?? "").ToList();
            if (to is not null && !recipients.Any(r => r.Contains(to, StringComparison.OrdinalIgnoreCase))) continue;
            var id = message.GetProperty("id").GetString();
            var text = await http.GetStringAsync($"api/messages/{id}/plaintext", cancellationToken);
            var html = await http.GetStringAsync($"api/messages/{id}/html", cancellationToken);
            // The top-level headers as the SMTP server received them (e.g. List-Unsubscribe), last value of a name wins.
            var details = await http.GetFromJsonAsync<JsonElement>($"api/messages/{id}", cancellationToken);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (details.TryGetProperty("headers", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var header in list.EnumerateArray())
                {
                    headers[header.GetProperty("name").GetString() ?? ""] = header.GetProperty("value").GetString() ?? "";
                }
            }
            mails.Add(new CapturedMail(string.Join(", ", recipients), message.GetProperty("subject").GetString() ?? "", text, html,
                message.GetProperty("receivedDate").GetDateTimeOffset(), headers));
        }
        return mails.OrderByDescending(m => m.ReceivedAt).ToList();
    }
}
