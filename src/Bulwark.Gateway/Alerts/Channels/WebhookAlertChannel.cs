using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>
/// The generic webhook: the notification as JSON, schema version 1 (<c>version</c>, then the notification's fields:
/// id, kind, channel, level, groupKey, groupLabels, alerts, createdAt, externalUrl; camelCase, enums as strings, absent
/// when null), POSTed with <c>Idempotency-Key: {id}</c> so a receiver can drop a repeated delivery.
/// </summary>
internal sealed class WebhookAlertChannel(
    string name, Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, HttpClient http, AlertSeverity minSeverity, TimeSpan timeout, TimeProvider time, ILogger logger)
    : HttpAlertChannel(name, url, http, minSeverity, timeout, time, logger)
{
    /// <summary>The schema version the body carries; a change a receiver must know of gets a new one.</summary>
    public const string SchemaVersion = "1";

    protected override IReadOnlyList<JsonNode> Bodies(AlertNotification notification)
    {
        var body = AlertNotificationJson.ToNode(notification);
        body.Insert(0, "version", SchemaVersion);
        return [body];
    }

    protected override void AddHeaders(HttpRequestMessage request, AlertNotification notification)
    {
        request.Headers.TryAddWithoutValidation("Idempotency-Key", notification.Id);
        foreach (var (header, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }
    }
}
