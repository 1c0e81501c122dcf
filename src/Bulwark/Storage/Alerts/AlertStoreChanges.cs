namespace Bulwark.Storage.Alerts;

/// <summary>What one step of alerting changed, stored in one transaction by <see cref="IAlertStore.SaveAlertChangesAsync"/>.</summary>
public sealed class AlertStoreChanges
{
    /// <summary>Gets the alerts to store, each replacing the one of the same id.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<StoredAlert> Alerts { get; init; } = [];

    /// <summary>Gets the ids of alerts to delete.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<string> RemovedAlertIds { get; init; } = [];

    /// <summary>Gets the silences to store, each replacing the one of the same id.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<StoredAlertSilence> Silences { get; init; } = [];

    /// <summary>Gets the ids of silences to delete.</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<string> RemovedSilenceIds { get; init; } = [];

    /// <summary>Gets the notifications to store as pending (one whose id is stored already is left as it is).</summary>
    /// <value>Defaults to none.</value>
    public IReadOnlyList<StoredAlertNotification> Notifications { get; init; } = [];
}
