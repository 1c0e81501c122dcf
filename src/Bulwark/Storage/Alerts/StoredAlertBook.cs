namespace Bulwark.Storage.Alerts;

/// <summary>Everything of alerting the store holds, as read at start.</summary>
/// <param name="Alerts">The alerts.</param>
/// <param name="Silences">The silences.</param>
/// <param name="PendingNotifications">The notifications stored but not yet marked enqueued, oldest first.</param>
public sealed record StoredAlertBook(IReadOnlyList<StoredAlert> Alerts, IReadOnlyList<StoredAlertSilence> Silences, IReadOnlyList<StoredAlertNotification> PendingNotifications);
