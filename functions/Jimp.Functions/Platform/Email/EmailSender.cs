using System.ComponentModel.DataAnnotations;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Jimp.Functions.Platform.Http;
using MimeKit;

namespace Jimp.Functions.Platform.Email;

/// <summary>
/// SMTP settings (section <c>Email</c>). Locally: the SMTP dev server on 127.0.0.1:2525. An empty <c>Host</c> (the
/// template's default until the owner sets <c>SMTP_HOST</c>) is allowed: the app starts, <c>/api/health</c> says
/// <c>"email": "not-configured"</c>, and whatever must send mail answers 503 <c>email-not-configured</c>.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 2525;

    /// <summary>None, StartTls, SslOnConnect or Auto.</summary>
    [RegularExpression("^(None|StartTls|SslOnConnect|Auto)$")]
    public string TlsMode { get; set; } = "None";

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>A bare address (<c>no-reply@example.eu</c>); the display name is <see cref="SenderName"/>.</summary>
    public string? Sender { get; set; } = "jimp@localhost.test";

    public string SenderName { get; set; } = "JIMP";

    /// <summary>
    /// How an orchestration activity that sends mail is retried (Durable retry policy): attempts, the first wait
    /// and the longest wait. The defaults ride out an SMTP outage of about 10 minutes.
    /// </summary>
    [Range(1, 100)]
    public int RetryAttempts { get; set; } = 10;

    public TimeSpan RetryFirstInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Bulk mail (announcements, inactivity warnings, campaigns): at most this many messages in any one-minute window,
    /// the provider's rate. 60 (one a second) suits a small plan (e.g. a starter relay or Amazon SES's sandbox at
    /// 1/s); raise it to the plan's rate.
    /// </summary>
    [Range(1, 100_000)]
    public int BulkPerMinute { get; set; } = 60;

    /// <summary>
    /// Bulk mail: at most this many messages per mailing in one UTC calendar day (a provider's daily quota, e.g.
    /// 100,000/day); 0: no daily cap beyond <see cref="BulkPerMinute"/>. A full day ends the batch and the mailing
    /// sleeps on durable timers until 00:00 UTC. Leave room for the sign-in mails, which do not count here.
    /// </summary>
    [Range(0, 10_000_000)]
    public int BulkPerDay { get; set; }

    /// <summary>Bulk mail: the most messages one activity sends before it saves its progress.</summary>
    [Range(1, 1_000)]
    public int BulkBatchSize { get; set; } = 100;

    /// <summary>Bulk mail: the longest a mailing sleeps (a durable timer) before it looks at the clock again.</summary>
    public TimeSpan BulkMaxWait { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>Not configured is valid; configured needs a bare sender address.</summary>
    public bool IsValid(out string? problem)
    {
        var sender = Sender ?? "";
        problem = IsConfigured && !(sender.Contains('@', StringComparison.Ordinal) && !sender.Contains('<', StringComparison.Ordinal) && MailboxAddress.TryParse(sender, out var parsed) && string.IsNullOrEmpty(parsed.Name))
            ? "Email:Sender must be a bare e-mail address (no-reply@example.eu) when Email:Host is set; put the display name in Email:SenderName."
            : null;
        return problem is null;
    }
}

/// <summary>Thrown when mail must be sent but no SMTP server is configured: a 503 the user can understand.</summary>
public sealed class EmailNotConfiguredException : ProblemException
{
    public const string ProblemCode = "email-not-configured";

    public EmailNotConfiguredException()
        : base(503, "E-mail is not available.", "This JIMP has no e-mail server configured yet, so it cannot send sign-in or export links. Try again later.")
    {
        Code = ProblemCode;
    }
}

/// <summary>An e-mail to send: both a text and an HTML body.</summary>
public sealed record EmailMessage(string To, string Subject, string Text, string Html)
{
    /// <summary>
    /// For a non-essential e-mail: the one-click unsubscribe URL (RFC 8058). The sender writes it as
    /// <c>List-Unsubscribe: &lt;url&gt;</c> with <c>List-Unsubscribe-Post: List-Unsubscribe=One-Click</c>.
    /// </summary>
    public Uri? OneClickUnsubscribe { get; init; }
}

public interface IEmailSender
{
    /// <exception cref="EmailUnavailableException">The mail server could not be reached or refused the message.</exception>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);

    /// <summary>False when no SMTP server is configured: callers answer 503 before storing anything.</summary>
    bool IsConfigured => true;
}

/// <summary>The e-mail could not be sent (the mail server is down or refused it): a dependency down, so a 503.</summary>
public sealed class EmailUnavailableException(Exception inner) : Exception("The mail server is unavailable.", inner);

/// <summary>Sends through SMTP with MailKit. Logs never carry the address, the subject or the body.</summary>
public sealed partial class SmtpEmailSender(IOptions<EmailOptions> options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public bool IsConfigured => options.Value.IsConfigured;

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        if (!o.IsConfigured)
        {
            throw new EmailNotConfiguredException();
        }
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(o.SenderName, o.Sender!));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody();
        if (message.OneClickUnsubscribe is { } unsubscribe)
        {
            // RFC 8058 §3.1: one HTTPS URI, and the Post header that makes it one-click. The provider's DKIM signature
            // must cover both (owner-checklist.md).
            mime.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribe.AbsoluteUri}>");
            mime.Headers.Add(HeaderId.ListUnsubscribePost, "List-Unsubscribe=One-Click");
        }

        using var client = new SmtpClient { Timeout = 15_000 };
        try
        {
            await client.ConnectAsync(o.Host!, o.Port, Enum.Parse<SecureSocketOptions>(o.TlsMode), cancellationToken);
            if (!string.IsNullOrEmpty(o.User))
            {
                await client.AuthenticateAsync(o.User, o.Password ?? "", cancellationToken);
            }
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnavailable(logger, ex.GetType().Name);
            throw new EmailUnavailableException(ex);
        }
        LogSent(logger, mime.MessageId ?? "none");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail not sent: the mail server is unavailable ({ExceptionType})")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail sent, message id {MessageId}")]
    private static partial void LogSent(ILogger logger, string messageId);
}
