using Microsoft.Extensions.Options;

namespace Bulwark.Deliveries;

/// <summary>Stores entries and wakes the dispatcher.</summary>
internal sealed class DeferredDeliveryQueue : IDeferredDeliveryQueue
{
    private const int MaxKeyLength = 255;

    private readonly IDeliveryStore _store;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly DeliverySignal _signal;

    private readonly DeliveryMetrics? _metrics;

    public DeferredDeliveryQueue(IDeliveryStore store, IOptions<DeliveryOptions> options, TimeProvider timeProvider, DeliverySignal signal, DeliveryMetrics? metrics = null)
    {
        _metrics = metrics;
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _signal = signal;
    }

    public async Task<DeliveryTicket> EnqueueAsync(string queue, string idempotencyKey, DeliveryEnvelope envelope, DeliveryEnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(idempotencyKey.Length, MaxKeyLength, nameof(idempotencyKey));
        ArgumentNullException.ThrowIfNull(envelope);
        if (options?.MaxAttempts is { } maxAttempts && maxAttempts is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), maxAttempts, "DeliveryEnqueueOptions.MaxAttempts must be in [1, 1000].");
        }

        if (options?.TimeToLive is { } timeToLive && (timeToLive < TimeSpan.FromSeconds(1) || timeToLive > TimeSpan.FromDays(30)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), timeToLive, "DeliveryEnqueueOptions.TimeToLive must be in [1 second, 30 days].");
        }

        var now = _timeProvider.GetUtcNow();
        int attemptsMade = Math.Max(0, options?.AttemptsMade ?? 0);
        var firstDelay = attemptsMade > 0 ? DeliveryBackoff.Create(_options).GetDelay(attemptsMade - 1) : TimeSpan.Zero;
        var entry = new DeliveryEntry
        {
            Id = DeliveryIds.Create(),
            Queue = queue,
            IdempotencyKey = idempotencyKey,
            OrderingKey = options?.OrderingKey,
            Fingerprint = options?.Fingerprint,
            Envelope = envelope,
            State = DeliveryState.Pending,
            Attempts = attemptsMade,
            MaxAttempts = options?.MaxAttempts ?? _options.MaxAttempts,
            CreatedAt = now,
            ExpiresAt = now + (options?.TimeToLive ?? _options.TimeToLive),
            NextAttemptAt = now + firstDelay,
        };

        var (stored, created) = await _store.EnqueueAsync(entry, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            _metrics?.Accepted(queue);
            _signal.Wake();
        }

        return new DeliveryTicket(stored, created);
    }

    public Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        DeliveryIds.IsWellFormed(id) ? _store.GetAsync(id, cancellationToken) : Task.FromResult<DeliveryEntry?>(null);

    public Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken = default) =>
        _store.FindAsync(queue, idempotencyKey, cancellationToken);
}
