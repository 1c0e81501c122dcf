namespace Bulwark.Gateway.Alerts;

/// <summary>
/// What one step of the <see cref="AlertBook"/> changed: the alerts and silences to store, those to forget, and the
/// notifications to store and then enqueue. Nothing of it counts as done until it is stored.
/// </summary>
internal sealed record AlertChanges
{
    public static AlertChanges None { get; } = new();

    /// <summary>Gets copies (JSON) of the alerts that changed, to store.</summary>
    public IReadOnlyList<(string Id, string Json)> Alerts { get; init; } = [];

    public IReadOnlyList<string> RemovedAlertIds { get; init; } = [];

    public IReadOnlyList<AlertSilence> Silences { get; init; } = [];

    public IReadOnlyList<string> RemovedSilenceIds { get; init; } = [];

    public IReadOnlyList<AlertNotification> Notifications { get; init; } = [];

    public bool IsEmpty => Alerts.Count == 0 && RemovedAlertIds.Count == 0 && Silences.Count == 0 && RemovedSilenceIds.Count == 0 && Notifications.Count == 0;
}
