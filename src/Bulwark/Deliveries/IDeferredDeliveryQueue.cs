namespace Bulwark.Deliveries;

/// <summary>
/// Accepts work to deliver later, durably, exactly once per idempotency key as far as a sender can: an operation that
/// could not be done now (every provider down) is stored, and a background dispatcher delivers it with backoff until it
/// succeeds, its attempts run out or its time to live ends — then it becomes a dead letter an operator can replay.
/// Registered by <c>services.AddBulwarkDeliveries()</c> with a store (SQLite: <c>AddBulwarkSqliteStore</c>).
/// </summary>
public interface IDeferredDeliveryQueue
{
    /// <summary>
    /// Stores an entry for <paramref name="queue"/>'s handler. A key the queue already accepted is not stored again: the
    /// earlier entry comes back (<see cref="DeliveryTicket.Created"/> is <see langword="false"/>).
    /// </summary>
    /// <param name="queue">The queue: which handler delivers it.</param>
    /// <param name="idempotencyKey">The idempotency key, 1 to 255 characters; sent on every attempt.</param>
    /// <param name="envelope">What to deliver.</param>
    /// <param name="options">Per-entry settings, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the write (the entry may or may not be stored).</param>
    /// <returns>The ticket, once the entry is durable: only then acknowledge it.</returns>
    /// <exception cref="Storage.StoreUnavailableException">The store cannot be written: the entry was not accepted.</exception>
    Task<DeliveryTicket> EnqueueAsync(string queue, string idempotencyKey, DeliveryEnvelope envelope, DeliveryEnqueueOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets an entry by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Gets the entry of a queue with an idempotency key.</summary>
    /// <param name="queue">The queue.</param>
    /// <param name="idempotencyKey">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken = default);
}
