using System.Text.Json;
using Bulwark.Deliveries;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>
/// A configured channel as the delivery dispatcher sees it: the handler of the channel's queue
/// (<see cref="AlertQueues.ForChannel"/>). It reads the stored notification, keeps the alerts at or above the channel's
/// minimum severity, and sends them in its format; the dispatcher retries a failed send and dead-letters a refused one.
/// </summary>
internal abstract class AlertChannel(string name, AlertSeverity minSeverity, TimeSpan timeout, TimeProvider time, ILogger logger) : IDeliveryHandler
{
    /// <summary>Gets the channel's name.</summary>
    public string Name { get; } = name;

    /// <summary>Gets how long one send may take.</summary>
    protected TimeSpan Timeout { get; } = timeout;

    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    /// <summary>Gets where the channel sends, for logs: a host, never a URL (a webhook's URL is a secret).</summary>
    public abstract string Destination { get; }

    public async ValueTask<DeliveryAttemptResult> DeliverAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        AlertNotification notification;
        try
        {
            notification = AlertNotificationJson.Deserialize(entry.Envelope.Body.Span);
        }
        catch (JsonException e)
        {
            // Retrying cannot make it readable.
            AlertChannelLog.Unreadable(Logger, Name, entry.Id, e.Message);
            return DeliveryAttemptResult.Refused(AlertChannelResponses.Local(422, "the stored notification is not readable"), "the stored notification is not readable: " + e.Message);
        }

        var kept = notification.Alerts.Where(a => a.Severity >= minSeverity).ToList();
        if (kept.Count == 0)
        {
            AlertChannelLog.BelowMinSeverity(Logger, Name, notification.Id, minSeverity);
            return DeliveryAttemptResult.Delivered(AlertChannelResponses.Local(204, "below the channel's MinSeverity: not sent"));
        }

        if (kept.Count != notification.Alerts.Count)
        {
            notification = notification with { Alerts = kept };
        }

        using var deadline = new CancellationTokenSource(Timeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        DeliveryAttemptResult result;
        try
        {
            result = await SendAsync(notification, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            result = DeliveryAttemptResult.Failed($"no answer from {Destination} within {Timeout:c}");
        }

        switch (result.Outcome)
        {
            case DeliveryState.Delivered:
                AlertChannelLog.Sent(Logger, Name, notification.Id, notification.Kind, kept.Count, Destination);
                break;
            case DeliveryState.Dead:
                AlertChannelLog.Refused(Logger, Name, notification.Id, Destination, result.Error ?? string.Empty);
                break;
            default:
                AlertChannelLog.Failed(Logger, Name, notification.Id, Destination, result.Error ?? string.Empty);
                break;
        }

        return result;
    }

    /// <summary>Sends the notification (its alerts already filtered); a failure the dispatcher should retry is returned, not thrown.</summary>
    protected abstract Task<DeliveryAttemptResult> SendAsync(AlertNotification notification, CancellationToken cancellationToken);
}
