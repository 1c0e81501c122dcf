namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>The alert channels' log events: channel, notification and host, never a URL or a credential.</summary>
internal static partial class AlertChannelLog
{
    [LoggerMessage(EventId = EventIds.AlertChannelSent, Level = LogLevel.Information, Message = "Alert channel {Channel} sent notification {NotificationId} ({Kind}, {Alerts} alert(s)) to {Host}")]
    public static partial void Sent(ILogger logger, string channel, string notificationId, AlertNotificationKind kind, int alerts, string host);

    [LoggerMessage(EventId = EventIds.AlertChannelFailed, Level = LogLevel.Warning, Message = "Alert channel {Channel} could not send notification {NotificationId} to {Host}; it is retried: {Error}")]
    public static partial void Failed(ILogger logger, string channel, string notificationId, string host, string error);

    [LoggerMessage(EventId = EventIds.AlertChannelRefused, Level = LogLevel.Error, Message = "Alert channel {Channel}: {Host} refused notification {NotificationId}; it is a dead letter: {Error}")]
    public static partial void Refused(ILogger logger, string channel, string notificationId, string host, string error);

    [LoggerMessage(EventId = EventIds.AlertChannelBelowMinSeverity, Level = LogLevel.Debug, Message = "Alert channel {Channel} skipped notification {NotificationId}: every alert is below its MinSeverity {MinSeverity}")]
    public static partial void BelowMinSeverity(ILogger logger, string channel, string notificationId, AlertSeverity minSeverity);

    [LoggerMessage(EventId = EventIds.AlertChannelUnreadable, Level = LogLevel.Error, Message = "Alert channel {Channel}: delivery {DeliveryId} holds no readable notification; it is a dead letter: {Error}")]
    public static partial void Unreadable(ILogger logger, string channel, string deliveryId, string error);
}
