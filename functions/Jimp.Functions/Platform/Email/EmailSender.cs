using System.ComponentModel.DataAnnotations;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Jimp.Functions.Platform.Email;

/// <summary>SMTP settings (section <c>Email</c>). Locally: the SMTP dev server on 127.0.0.1:2525.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    [Required]
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 2525;

    /// <summary>None, StartTls, SslOnConnect or Auto.</summary>
    [RegularExpression("^(None|StartTls|SslOnConnect|Auto)$")]
    public string TlsMode { get; set; } = "None";

    public string? User { get; set; }

    public string? Password { get; set; }

    [Required, EmailAddress]
    public string Sender { get; set; } = "jimp@localhost.test";

    public string SenderName { get; set; } = "JIMP";

    /// <summary>
    /// How an orchestration activity that sends mail is retried (Durable retry policy): attempts, the first wait
    /// and the longest wait. The defaults ride out an SMTP outage of about 10 minutes.
    /// </summary>
    [Range(1, 100)]
    public int RetryAttempts { get; set; } = 10;

    public TimeSpan RetryFirstInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>An e-mail to send: both a text and an HTML body.</summary>
public sealed record EmailMessage(string To, string Subject, string Text, string Html);

public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>Sends through SMTP with MailKit. Logs never carry the address, the subject or the body.</summary>
public sealed partial class SmtpEmailSender(IOptions<EmailOptions> options, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(o.SenderName, o.Sender));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new BodyBuilder { TextBody = message.Text, HtmlBody = message.Html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = 15_000 };
        await client.ConnectAsync(o.Host, o.Port, Enum.Parse<SecureSocketOptions>(o.TlsMode), cancellationToken);
        if (!string.IsNullOrEmpty(o.User))
        {
            await client.AuthenticateAsync(o.User, o.Password ?? "", cancellationToken);
        }
        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        LogSent(logger, mime.MessageId ?? "none");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail sent, message id {MessageId}")]
    private static partial void LogSent(ILogger logger, string messageId);
}
