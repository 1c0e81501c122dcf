namespace Bulwark.Storage.Alerts;

/// <summary>
/// Where the gateway keeps its alerts, silences and the notifications made for them (each stored before it is enqueued,
/// so that one made just before the process stopped is enqueued at the next start).
/// </summary>
/// <remarks>
/// Writes are transactional, so instances sharing a store never leave half a step behind, and a notification id is
/// stored once whichever instance writes it first (a second write of the same id is ignored).
/// </remarks>
public interface IAlertStore
{
    /// <summary>Stores what one step of alerting changed, in one transaction: alerts, silences and new notifications (pending).</summary>
    /// <param name="changes">The changes.</param>
    /// <param name="now">When they are written.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the changes are stored (durable against the process stopping).</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task SaveAlertChangesAsync(AlertStoreChanges changes, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks notifications as put on their delivery queue; marks older than a retention are deleted by <see cref="PruneAlertNotificationsAsync"/>.</summary>
    /// <param name="ids">The notifications' ids.</param>
    /// <param name="now">When they were enqueued.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when they are marked.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task MarkAlertNotificationsEnqueuedAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the marks of notifications enqueued before <paramref name="before"/> (pending ones are kept).</summary>
    /// <param name="before">The oldest enqueue time kept.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many marks were deleted.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task<int> PruneAlertNotificationsAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Reads the alerts, the silences and the notifications not yet marked enqueued.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>What the store holds of alerting.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    Task<StoredAlertBook> LoadAlertsAsync(CancellationToken cancellationToken);
}
