using System.Globalization;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>
/// PagerDuty Events API v2: one event per alert, <c>dedup_key</c> the alert's id, so PagerDuty keeps one incident per
/// alert: <c>trigger</c> while it fires (with the payload), <c>acknowledge</c> when it is acknowledged, <c>resolve</c> when it resolved.
/// </summary>
internal sealed class PagerDutyAlertChannel(string name, Uri url, string routingKey, HttpClient http, AlertSeverity minSeverity, TimeSpan timeout, TimeProvider time, ILogger logger)
    : HttpAlertChannel(name, url, http, minSeverity, timeout, time, logger)
{
    /// <summary>PagerDuty's limit on <c>payload.summary</c>.</summary>
    public const int MaxSummaryLength = 1024;

    public const string Source = "bulwark";

    public static string Severity(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Critical => "critical",
        AlertSeverity.Error => "error",
        AlertSeverity.Warning => "warning",
        _ => "info",
    };

    public static string Action(AlertNotification notification, AlertNotificationItem alert) =>
        notification.Kind == AlertNotificationKind.Resolved || alert.State == AlertState.Resolved ? "resolve"
        : alert.State == AlertState.Acknowledged ? "acknowledge"
        : "trigger";

    protected override IReadOnlyList<JsonNode> Bodies(AlertNotification notification)
    {
        var events = new List<JsonNode>(notification.Alerts.Count);
        foreach (var alert in notification.Alerts)
        {
            string action = Action(notification, alert);
            var body = new JsonObject
            {
                ["routing_key"] = routingKey,
                ["event_action"] = action,
                ["dedup_key"] = alert.Id,
            };
            if (action == "trigger")
            {
                var details = new JsonObject { ["rule"] = alert.Rule };
                foreach (var (label, value) in alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    details[label] = value;
                }

                if (alert.Description is { } description)
                {
                    details["description"] = description;
                }

                if (alert.Value is { } measured)
                {
                    details["value"] = measured;
                }

                details["notification"] = notification.Id;
                body["payload"] = new JsonObject
                {
                    ["summary"] = alert.Summary.Length > MaxSummaryLength ? alert.Summary[..MaxSummaryLength] : alert.Summary,
                    ["source"] = Source,
                    ["severity"] = Severity(alert.Severity),
                    ["timestamp"] = alert.StartsAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
                    ["component"] = alert.Labels.TryGetValue("provider", out var provider) ? provider : null,
                    ["group"] = alert.Labels.TryGetValue("route", out var route) ? route : null,
                    ["class"] = alert.Rule,
                    ["custom_details"] = details,
                };
                RemoveNulls((JsonObject)body["payload"]!);
                body["client"] = "Bulwark";
                if (notification.ExternalUrl is { } link)
                {
                    body["client_url"] = link;
                }
            }

            events.Add(body);
        }

        return events;
    }

    private static void RemoveNulls(JsonObject node)
    {
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            node.Remove(key);
        }
    }
}
