namespace Bulwark.Deliveries;

/// <summary>Per-entry settings for <see cref="IDeferredDeliveryQueue.EnqueueAsync"/>; unset values come from <see cref="DeliveryOptions"/>.</summary>
public sealed record DeliveryEnqueueOptions
{
    /// <summary>Gets the attempts after which the entry becomes a dead letter.</summary>
    /// <value>Defaults to <see cref="DeliveryOptions.MaxAttempts"/>. Range 1 to 1,000.</value>
    public int? MaxAttempts { get; init; }

    /// <summary>Gets how long the entry may wait for delivery before it becomes a dead letter.</summary>
    /// <value>Defaults to <see cref="DeliveryOptions.TimeToLive"/>. Range 1 second to 30 days.</value>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>Gets the ordering key: entries of the queue with the same key are delivered one at a time, in acceptance order.</summary>
    /// <value>Defaults to <see langword="null"/>: no ordering.</value>
    public string? OrderingKey { get; init; }

    /// <summary>Gets a digest of what was submitted, stored so that a reuse of the key for another request can be told from a repeat.</summary>
    /// <value>Defaults to <see langword="null"/>: not recorded.</value>
    public string? Fingerprint { get; init; }

    /// <summary>Gets the attempts already made before the entry was stored (the gateway's direct attempt counts as one).</summary>
    /// <value>Defaults to 0. When more than 0, the first stored attempt waits one backoff.</value>
    public int AttemptsMade { get; init; }
}
