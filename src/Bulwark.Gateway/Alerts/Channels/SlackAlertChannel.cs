using System.Text;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>
/// A Slack incoming webhook: <c>text</c> (the title, also the notification's fallback) and one attachment per alert,
/// coloured by severity (resolved in green), with its summary, description, labels and start.
/// </summary>
internal sealed class SlackAlertChannel(string name, Uri url, HttpClient http, AlertSeverity minSeverity, TimeSpan timeout, TimeProvider time, ILogger logger)
    : HttpAlertChannel(name, url, http, minSeverity, timeout, time, logger)
{
    public const string ResolvedColor = "#2eb67d";

    public static string Color(AlertNotificationItem alert) => alert.State == AlertState.Resolved ? ResolvedColor : alert.Severity switch
    {
        AlertSeverity.Critical => "#a30200",
        AlertSeverity.Error => "#e01e5a",
        AlertSeverity.Warning => "#daa038",
        _ => "#439fe0",
    };

    protected override IReadOnlyList<JsonNode> Bodies(AlertNotification notification)
    {
        var attachments = new JsonArray();
        foreach (var alert in notification.Alerts)
        {
            var text = new StringBuilder();
            if (alert.Description is { } description)
            {
                text.Append(Escape(description)).Append('\n');
            }

            if (alert.Labels.Count > 0)
            {
                text.Append("*Labels:* ").Append(Escape(AlertText.Labels(alert.Labels))).Append('\n');
            }

            if (alert.Value is { } value)
            {
                text.Append("*Value:* ").Append(AlertText.Value(value)).Append('\n');
            }

            text.Append("*Started:* ").Append(AlertText.Time(alert.StartsAt));
            if (alert.EndsAt is { } ends)
            {
                text.Append("  *Resolved:* ").Append(AlertText.Time(ends));
            }

            var attachment = new JsonObject
            {
                ["color"] = Color(alert),
                ["fallback"] = $"[{alert.Severity}] {alert.Summary}",
                ["title"] = $"[{alert.Severity.ToString().ToUpperInvariant()}] {Escape(alert.Summary)}",
                ["text"] = text.ToString(),
                ["mrkdwn_in"] = new JsonArray("text"),
                ["footer"] = $"Bulwark · {alert.Rule}",
                ["ts"] = alert.StartsAt.ToUnixTimeSeconds(),
            };
            if (notification.ExternalUrl is { } link)
            {
                attachment["title_link"] = link;
            }

            attachments.Add(attachment);
        }

        return [new JsonObject
        {
            ["text"] = Escape(AlertText.Title(notification)),
            ["attachments"] = attachments,
        }];
    }

    /// <summary>Slack's three control characters, as its message formatting asks.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
