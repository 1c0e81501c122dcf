namespace Bulwark.Deliveries;

/// <summary>Settings of the deferred-delivery dispatcher, bound from <c>Bulwark:Deliveries</c>.</summary>
public sealed class DeliveryOptions
{
    /// <summary>Gets or sets the default attempts after which an entry becomes a dead letter.</summary>
    /// <value>Defaults to 20. Range 1 to 1,000.</value>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Gets or sets the default time an entry may wait for delivery before it becomes a dead letter.</summary>
    /// <value>Defaults to 24 hours. Range 1 second to 30 days.</value>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets the delay before the second attempt; later ones grow exponentially, with jitter.</summary>
    /// <value>Defaults to 1 second. Range 0 to 1 hour.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the cap of the delay between attempts (a longer Retry-After from the dependency is honoured up to this cap).</summary>
    /// <value>Defaults to 5 minutes. Range 0 to 1 day.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how long one attempt may run before it is cancelled and counted as failed.</summary>
    /// <value>Defaults to 60 seconds. Range 1 second to 1 hour; less than <see cref="LeaseDuration"/>.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how long a dispatcher holds an entry it is attempting. An entry still in progress after its lease (its
    /// process died) is stuck work: the sweeper returns it to the queue.
    /// </summary>
    /// <value>Defaults to 2 minutes. Range 2 seconds to 1 day; more than <see cref="AttemptTimeout"/>.</value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets how often the dispatcher looks for due entries when nothing woke it.</summary>
    /// <value>Defaults to 1 second. Range 10 ms to 1 minute.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how often the sweeper returns stuck work to the queue.</summary>
    /// <value>Defaults to 15 seconds. Range 100 ms to 1 hour.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how many entries one dispatcher attempts at the same time.</summary>
    /// <value>Defaults to 8. Range 1 to 256.</value>
    public int MaxConcurrentDeliveries { get; set; } = 8;

    /// <summary>Gets or sets how many bytes of the dependency's response body are kept, to answer a client that sends the same key again.</summary>
    /// <value>Defaults to 64 KiB. Range 0 to 16 MiB.</value>
    public int MaxKeptResponseBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Gets or sets how long a delivered entry is kept (to answer a repeated key with the stored response) before the
    /// sweeper deletes it; a key sent again after that is a new request. Dead letters stay until an operator purges them.
    /// </summary>
    /// <value>Defaults to 7 days. Range 1 minute to 365 days.</value>
    public TimeSpan RetainDeliveredFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets whether the dispatcher runs in this process.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>Gets or sets the source of jitter, uniform in [0, 1); for tests that need a seed.</summary>
    internal Func<double>? RandomSource { get; set; }
}
