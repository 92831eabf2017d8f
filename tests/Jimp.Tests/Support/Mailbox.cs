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
}
