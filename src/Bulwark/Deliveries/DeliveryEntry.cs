namespace Bulwark.Deliveries;

/// <summary>One deferred delivery as stored: what to deliver, where it is in its life, and how it ended.</summary>
public sealed record DeliveryEntry
{
    /// <summary>Gets the delivery's id: 32 lowercase hexadecimal characters, unguessable.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the queue: the name of the handler that delivers it (the gateway's route path).</summary>
    public required string Queue { get; init; }

    /// <summary>Gets the idempotency key, unique within the queue and sent on every attempt.</summary>
    public required string IdempotencyKey { get; init; }

    /// <summary>Gets the ordering key: entries of the same queue with the same ordering key are delivered one after another, in the order they were accepted. <see langword="null"/> for no ordering.</summary>
    public string? OrderingKey { get; init; }

    /// <summary>
    /// Gets a digest of what was submitted (the gateway's: method, target and body), or <see langword="null"/>. A later
    /// submission of the same key with another fingerprint is a different request reusing the key, not a repeat.
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>Gets what to deliver.</summary>
    public required DeliveryEnvelope Envelope { get; init; }

    /// <summary>Gets the state.</summary>
    public DeliveryState State { get; init; }

    /// <summary>Gets how many attempts were started (a direct attempt that failed before the entry was stored counts as one).</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the attempts after which the entry becomes a dead letter.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>Gets when the entry was accepted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the entry becomes a dead letter if it was not delivered by then.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets when the next attempt is due (while <see cref="DeliveryState.Pending"/>).</summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Gets the dispatcher holding the entry while <see cref="DeliveryState.InProgress"/>.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease ends: an entry still in progress after it is stuck work, returned to the queue.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>Gets why the last attempt failed, or why the entry is dead; never contains credentials.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the dependency's final answer when delivered (or refused for good).</summary>
    public DeliveryResponse? Response { get; init; }

    /// <summary>Gets when the entry was delivered or became dead.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Gets a value indicating whether the <see cref="IDeliveryObserver"/>s were told of the delivery.</summary>
    public bool Notified { get; init; }
}
