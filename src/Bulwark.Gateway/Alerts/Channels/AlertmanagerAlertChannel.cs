using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>
/// Prometheus Alertmanager's API v2: <c>POST {Url}/api/v2/alerts</c> with an array of alerts (labels with
/// <c>alertname</c> = the rule and <c>severity</c>, annotations <c>summary</c> and <c>description</c>, startsAt, endsAt,
/// generatorURL), so that an existing Alertmanager groups, routes, silences and notifies. A resolved alert carries its
/// real end; a firing one ends <see cref="FiringHorizon"/> after the notification was made, which keeps it firing in
/// Alertmanager however long its repeat interval is, unless Bulwark's repeat or resolved notification comes first.
/// </summary>
internal sealed class AlertmanagerAlertChannel(string name, Uri baseUrl, HttpClient http, AlertSeverity minSeverity, TimeSpan timeout, TimeProvider time, ILogger logger)
    : HttpAlertChannel(name, AlertsEndpoint(baseUrl), http, minSeverity, timeout, time, logger)
{
    /// <summary>How long after a firing notification Alertmanager keeps the alert firing without hearing from Bulwark again.</summary>
    public static readonly TimeSpan FiringHorizon = AlertsConstants.AlertmanagerFiringHorizon;

    public static Uri AlertsEndpoint(Uri baseUrl) => new(baseUrl.AbsoluteUri.TrimEnd('/') + "/api/v2/alerts");

    /// <summary>A label name Alertmanager accepts (<c>[a-zA-Z_][a-zA-Z0-9_]*</c>): other characters become <c>_</c>.</summary>
    public static string LabelName(string name)
    {
        var label = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = char.IsAsciiLetter(c) || c == '_' || (i > 0 && char.IsAsciiDigit(c));
            label.Append(ok ? c : '_');
        }

        return label.Length == 0 ? "_" : label.ToString();
    }

    protected override IReadOnlyList<JsonNode> Bodies(AlertNotification notification)
    {
        var alerts = new JsonArray();
        foreach (var alert in notification.Alerts)
        {
            var labels = new JsonObject();
            foreach (var (label, value) in alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
            {
                labels[LabelName(label)] = value;
            }

            labels["alertname"] = alert.Rule;
            labels["severity"] = PagerDutyAlertChannel.Severity(alert.Severity);
            var annotations = new JsonObject { ["summary"] = alert.Summary };
            if (alert.Description is { } description)
            {
                annotations["description"] = description;
            }

            if (alert.Value is { } measured)
            {
                annotations["value"] = AlertText.Value(measured);
            }

            bool resolved = notification.Kind == AlertNotificationKind.Resolved || alert.State == AlertState.Resolved;
            var ends = resolved ? alert.EndsAt ?? notification.CreatedAt : notification.CreatedAt + FiringHorizon;
            var item = new JsonObject
            {
                ["labels"] = labels,
                ["annotations"] = annotations,
                ["startsAt"] = Rfc3339(alert.StartsAt),
                ["endsAt"] = Rfc3339(ends),
            };
            if (notification.ExternalUrl is { } link)
            {
                item["generatorURL"] = link;
            }

            alerts.Add(item);
        }

        return [alerts];
    }

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
