using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Bulwark.Deliveries;
using Bulwark.Gateway.Configuration;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>
/// Email over SMTP (MailKit), one connection per notification: subject <c>[Bulwark] [FIRING:n] rule labels</c> or
/// <c>[Bulwark] [RESOLVED] rule labels</c>, a text and a simple HTML body. A connection failure or a 4xx reply is retried;
/// a 5xx reply (an unknown recipient, a refused login) is permanent: dead letter.
/// </summary>
internal sealed class EmailAlertChannel(
    string name, EmailSettings settings, AlertSeverity minSeverity, TimeSpan timeout, TimeProvider time, ILogger logger)
    : AlertChannel(name, minSeverity, timeout, time, logger)
{
    public override string Destination => settings.Host;

    /// <summary>Gets or sets the server certificate check; <see langword="null"/> (the default) is the system's. Tests pin their own certificate.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public static string Subject(AlertNotification notification) => "[Bulwark] " + AlertText.Title(notification);

    public static MimeMessage Message(AlertNotification notification, EmailSettings settings)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        foreach (string to in settings.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = Subject(notification);
        message.Date = notification.CreatedAt;
        // The same notification retried is the same message: a receiving server or client can drop the copy.
        message.MessageId = new string([.. notification.Id.Select(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '-')]) + "@bulwark.alerts";
        var body = new BodyBuilder { TextBody = Text(notification), HtmlBody = Html(notification) };
        message.Body = body.ToMessageBody();
        return message;
    }

    public static string Text(AlertNotification notification)
    {
        var text = new StringBuilder();
        text.Append(AlertText.Title(notification)).Append("\n\n");
        foreach (var alert in notification.Alerts)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{alert.Severity.ToString().ToUpperInvariant()}] {alert.Summary}\n");
            if (alert.Description is { } description)
            {
                text.Append(description).Append('\n');
            }

            text.Append("Rule: ").Append(alert.Rule).Append('\n');
            if (alert.Labels.Count > 0)
            {
                text.Append("Labels: ").Append(AlertText.Labels(alert.Labels)).Append('\n');
            }

            if (alert.Value is { } value)
            {
                text.Append("Value: ").Append(AlertText.Value(value)).Append('\n');
            }

            text.Append("State: ").Append(alert.State).Append('\n');
            text.Append("Started: ").Append(AlertText.Time(alert.StartsAt)).Append('\n');
            if (alert.EndsAt is { } ends)
            {
                text.Append("Resolved: ").Append(AlertText.Time(ends)).Append('\n');
            }

            text.Append('\n');
        }

        if (notification.ExternalUrl is { } link)
        {
            text.Append("Bulwark: ").Append(link).Append('\n');
        }

        return text.ToString();
    }

    public static string Html(AlertNotification notification)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        html.Append("<h2>").Append(E(AlertText.Title(notification))).Append("</h2>");
        foreach (var alert in notification.Alerts)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div style=\"border-left:6px solid {SlackAlertChannel.Color(alert)};padding:4px 12px;margin:12px 0\">");
            html.Append("<h3>[").Append(E(alert.Severity.ToString().ToUpperInvariant())).Append("] ").Append(E(alert.Summary)).Append("</h3>");
            if (alert.Description is { } description)
            {
                html.Append("<p>").Append(E(description)).Append("</p>");
            }

            html.Append("<table>");
            Row(html, "Rule", alert.Rule);
            if (alert.Labels.Count > 0)
            {
                Row(html, "Labels", AlertText.Labels(alert.Labels));
            }

            if (alert.Value is { } value)
            {
                Row(html, "Value", AlertText.Value(value));
            }

            Row(html, "State", alert.State.ToString());
            Row(html, "Started", AlertText.Time(alert.StartsAt));
            if (alert.EndsAt is { } ends)
            {
                Row(html, "Resolved", AlertText.Time(ends));
            }

            html.Append("</table></div>");
        }

        if (notification.ExternalUrl is { } link)
        {
            html.Append("<p><a href=\"").Append(E(link)).Append("\">Bulwark</a></p>");
        }

        html.Append("</body></html>");
        return html.ToString();

        static void Row(StringBuilder html, string name, string value) =>
            html.Append("<tr><th align=\"left\">").Append(WebUtility.HtmlEncode(name)).Append("</th><td>").Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
    }

    protected override async Task<DeliveryAttemptResult> SendAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        var message = Message(notification, settings);
        using var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, Timeout.TotalMilliseconds) };
        if (ServerCertificateValidation is { } check)
        {
            client.ServerCertificateValidationCallback = check;
        }

        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, Options(settings.Security), cancellationToken).ConfigureAwait(false);
            if (settings.UserName is { } user)
            {
                await client.AuthenticateAsync(user, settings.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            string reply = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            return DeliveryAttemptResult.Delivered(AlertChannelResponses.Local(250, reply));
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
        {
            return DeliveryAttemptResult.Refused(AlertChannelResponses.Local((int)e.StatusCode, e.Message), $"{Destination} refused the message: {(int)e.StatusCode} {e.Message}");
        }
        catch (AuthenticationException e)
        {
            // 535: the credentials are wrong; retrying will not make them right.
            return DeliveryAttemptResult.Refused(AlertChannelResponses.Local(535, e.Message), $"{Destination} refused the login: {e.Message}");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or SocketException or TimeoutException or SslHandshakeException or ServiceNotConnectedException or ServiceNotAuthenticatedException)
        {
            return DeliveryAttemptResult.Failed($"{Destination}: {e.GetType().Name}: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            // StartTls asked and the server offers no STARTTLS (or no AUTH): a configuration matter, but perhaps a server being fixed.
            return DeliveryAttemptResult.Failed($"{Destination}: {e.Message}");
        }
    }

    private static SecureSocketOptions Options(AlertEmailSecurity security) => security switch
    {
        AlertEmailSecurity.None => SecureSocketOptions.None,
        AlertEmailSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        AlertEmailSecurity.Auto => SecureSocketOptions.StartTlsWhenAvailable,
        _ => SecureSocketOptions.StartTls,
    };
}
