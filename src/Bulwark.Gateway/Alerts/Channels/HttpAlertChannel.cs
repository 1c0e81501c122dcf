using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bulwark.Deliveries;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>A channel that POSTs JSON: one request per notification, or several (PagerDuty sends one event per alert).</summary>
internal abstract class HttpAlertChannel(string name, Uri url, HttpClient http, AlertSeverity minSeverity, TimeSpan timeout, TimeProvider time, ILogger logger)
    : AlertChannel(name, minSeverity, timeout, time, logger)
{
    protected Uri Url { get; } = url;

    public override string Destination => Url.Host;

    /// <summary>The JSON bodies to POST, in order; each must be accepted for the notification to be delivered.</summary>
    protected abstract IReadOnlyList<JsonNode> Bodies(AlertNotification notification);

    /// <summary>Adds the channel's own headers to a request.</summary>
    protected virtual void AddHeaders(HttpRequestMessage request, AlertNotification notification)
    {
    }

    protected override async Task<DeliveryAttemptResult> SendAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        DeliveryAttemptResult? last = null;
        foreach (var body in Bodies(notification))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Url)
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString())),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            AddHeaders(request, notification);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                last = await AlertChannelResponses.ClassifyAsync(response, Destination, Time, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                return AlertChannelResponses.Unreachable(Destination, e);
            }

            if (last.Outcome != DeliveryState.Delivered)
            {
                // A retry sends every body again: each receiver here deduplicates (Idempotency-Key, dedup_key, the alert's labels).
                return last;
            }
        }

        return last!;
    }
}
