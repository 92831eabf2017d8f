using System.Net.Http.Json;
using System.Text.Json;

namespace Jimp.Tests.Support;

/// <summary>
/// The e-mails the SMTP dev server captured for one address, newest first, read through the DevHost's
/// <c>/dev/mailbox</c>. Nothing promises that smtp4dev lists a message the instant the SMTP exchange ends, and CI
/// runs on a loaded machine: a test that expects a mail waits for it, and a test that counts mails lets the count settle.
/// </summary>
public static class Mailbox
{
    /// <summary>How long a settled count waits after the expected mails arrived, for a duplicate or a wrong mail to show.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(500);

    public static async Task<List<JsonElement>> ReadAsync(JimpTestHost host, string to)
    {
        await TestSmtp.EnsureAsync();
        var mails = await host.Client.GetFromJsonAsync<JsonElement>($"/dev/mailbox?to={Uri.EscapeDataString(to)}");
        return mails.EnumerateArray().ToList();
    }

    /// <summary>The mails to <paramref name="to"/> whose subject contains <paramref name="subject"/>, as they are now.</summary>
    public static async Task<List<JsonElement>> WithSubjectAsync(JimpTestHost host, string to, string subject) =>
        (await ReadAsync(host, to)).Where(m => m.GetProperty("subject").GetString()!.Contains(subject, StringComparison.Ordinal)).ToList();

    /// <summary>Those mails once at least <paramref name="count"/> have arrived (or the patience ran out: the caller asserts).</summary>
    public static Task<List<JsonElement>> WaitForAsync(JimpTestHost host, string to, string subject, int count = 1) =>
        Eventually.ReadAsync(() => WithSubjectAsync(host, to, subject), found => found.Count >= count);

    /// <summary>
    /// How many such mails there are once <paramref name="expected"/> have arrived and <see cref="SettleTime"/> has passed
    /// with nothing more: the number to assert "exactly once" or "never" on.
    /// </summary>
    public static async Task<int> SettledCountAsync(JimpTestHost host, string to, string subject, int expected)
    {
        await WaitForAsync(host, to, subject, expected);
        await Task.Delay(SettleTime);
        return (await WithSubjectAsync(host, to, subject)).Count;
    }

    /// <summary>When the SMTP dev server received a mail (its own clock).</summary>
    public static DateTimeOffset ReceivedAt(JsonElement mail) => mail.GetProperty("receivedAt").GetDateTimeOffset();

    /// <summary>
    /// When the newest of the mails to <paramref name="to"/> whose subject contains <paramref name="subject"/> was received,
    /// by the SMTP dev server's clock (<see cref="DateTimeOffset.MinValue"/> when there is none): the mark to give
    /// <see cref="ReceivedAfterAsync"/>, so that no clock of the test is compared with the server's.
    /// </summary>
    public static async Task<DateTimeOffset> NewestAsync(JimpTestHost host, string to, string subject) =>
        (await WithSubjectAsync(host, to, subject)).Select(ReceivedAt).DefaultIfEmpty(DateTimeOffset.MinValue).Max();

    /// <summary>
    /// The mails to <paramref name="to"/> whose subject contains <paramref name="subject"/> received after
    /// <paramref name="after"/> (a mark from <see cref="NewestAsync"/>), settled: read again every <see cref="SettleTime"/>
    /// until a read finds no more than the one before. The number to assert "nothing more was sent" on, once whatever
    /// could send has finished (wait for that first: settling only covers a mail already on its way).
    /// </summary>
    public static async Task<List<JsonElement>> ReceivedAfterAsync(JimpTestHost host, string to, string subject, DateTimeOffset after)
    {
        async Task<List<JsonElement>> ReadAfterAsync() => (await WithSubjectAsync(host, to, subject)).Where(m => ReceivedAt(m) > after).ToList();
        var seen = await ReadAfterAsync();
        while (true)
        {
            await Task.Delay(SettleTime);
            var now = await ReadAfterAsync();
            if (now.Count <= seen.Count) return now;
            seen = now;
        }
    }
}
