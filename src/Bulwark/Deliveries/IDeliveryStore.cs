namespace Bulwark.Deliveries;

/// <summary>
/// The durable queue behind deferred delivery. Every change is atomic: an entry is accepted once per (queue, idempotency
/// key), leased by one dispatcher at a time, and completed only by the dispatcher holding its lease.
/// Implementations: <see cref="Storage.InMemoryBulwarkStore"/> (tests, development) and the SQLite store of <c>Bulwark.Storage.Sqlite</c>.
/// </summary>
public interface IDeliveryStore
{
    /// <summary>
    /// Stores a new entry unless the queue already holds one with the same idempotency key; then that one is returned
    /// and nothing changes. The entry is durable when the task completes: only then may the caller acknowledge it.
    /// </summary>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored entry, and whether it is the one given (<see langword="true"/>) or an earlier one with the same key.</returns>
    /// <exception cref="Storage.StoreUnavailableException">The store cannot be written: the entry was not accepted.</exception>
    Task<(DeliveryEntry Entry, bool Created)> EnqueueAsync(DeliveryEntry entry, CancellationToken cancellationToken);

    /// <summary>Gets an entry by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Gets the entry of a queue with an idempotency key.</summary>
    /// <param name="queue">The queue.</param>
    /// <param name="idempotencyKey">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>
    /// Leases up to <paramref name="maxCount"/> pending entries due at <paramref name="now"/>, oldest first, skipping an
    /// entry while an older one with the same queue and ordering key is not finished. Leased entries become
    /// <see cref="DeliveryState.InProgress"/> with their attempt count raised by one.
    /// </summary>
    /// <param name="owner">The dispatcher's id.</param>
    /// <param name="now">The current time.</param>
    /// <param name="leaseDuration">How long the lease lasts.</param>
    /// <param name="maxCount">At most this many, 1 or more.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>The leased entries.</returns>
    Task<IReadOnlyList<DeliveryEntry>> LeaseDueAsync(string owner, DateTimeOffset now, TimeSpan leaseDuration, int maxCount, CancellationToken cancellationToken);

    /// <summary>Records how an attempt ended, if <paramref name="owner"/> still holds the entry's lease.</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="owner">The dispatcher that leased it.</param>
    /// <param name="completion">How the attempt ended.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns><see langword="false"/> when the lease was lost (expired and taken back): nothing changed.</returns>
    Task<bool> CompleteAsync(string id, string owner, DeliveryCompletion completion, CancellationToken cancellationToken);

    /// <summary>Records that the observers were told of a delivered entry.</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>A task that completes once recorded.</returns>
    Task MarkNotifiedAsync(string id, CancellationToken cancellationToken);

    /// <summary>Lists entries, oldest first.</summary>
    /// <param name="state">Only entries in this state; <see langword="null"/> for all.</param>
    /// <param name="maxCount">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<DeliveryEntry>> ListAsync(DeliveryState? state, int maxCount, CancellationToken cancellationToken);

    /// <summary>Lists delivered entries whose observers were not told yet (the process stopped in between).</summary>
    /// <param name="maxCount">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<DeliveryEntry>> ListUnnotifiedAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Lists stuck work: entries in progress whose lease ended before <paramref name="now"/> (their dispatcher died).</summary>
    /// <param name="now">The current time.</param>
    /// <param name="maxCount">At most this many.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<DeliveryEntry>> ListStuckAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken);

    /// <summary>Returns stuck work to the queue: entries in progress whose lease ended before <paramref name="now"/> become pending, due now.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>How many entries were returned.</returns>
    Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Returns the entries leased by one dispatcher to the queue, whatever their lease: for a dispatcher known to be dead (its process is gone).</summary>
    /// <param name="owner">The dead dispatcher's id.</param>
    /// <param name="now">The current time: the entries are due now.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>How many entries were returned.</returns>
    Task<int> ReleaseLeasesOfAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Puts a dead entry back in the queue: pending, due now, with its attempts reset and a fresh time to live.</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="now">The current time.</param>
    /// <param name="timeToLive">The new time to live from <paramref name="now"/>.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns><see langword="false"/> when there is no dead entry with that id.</returns>
    Task<bool> ReplayAsync(string id, DateTimeOffset now, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Deletes finished entries (delivered or dead) completed before <paramref name="completedBefore"/>.</summary>
    /// <param name="state"><see cref="DeliveryState.Delivered"/> or <see cref="DeliveryState.Dead"/>.</param>
    /// <param name="completedBefore">Only entries completed before this time.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>How many entries were deleted.</returns>
    Task<int> PurgeAsync(DeliveryState state, DateTimeOffset completedBefore, CancellationToken cancellationToken);

    /// <summary>Counts the entries in each state.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The count of every state (0 for none).</returns>
    Task<IReadOnlyDictionary<DeliveryState, long>> CountAsync(CancellationToken cancellationToken);
}
