namespace Bulwark.Storage.Alerts;

/// <summary>
/// A notification made for alerts, as stored before it is put on its delivery queue (with <see cref="Id"/> as the
/// idempotency key): one still pending at start is enqueued again, and the queue keeps it once.
/// </summary>
/// <param name="Id">The notification's id, unique: the idempotency key of its delivery.</param>
/// <param name="Queue">The delivery queue it goes to.</param>
/// <param name="Payload">The notification, a JSON object (the delivery's body).</param>
/// <param name="CreatedAt">When it was made.</param>
public sealed record StoredAlertNotification(string Id, string Queue, string Payload, DateTimeOffset CreatedAt);
