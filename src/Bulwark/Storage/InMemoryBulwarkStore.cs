using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;

namespace Bulwark.Storage;

/// <summary>
/// A store that keeps everything in this process's memory: for tests and development only. Nothing survives a restart,
/// so the gateway's production check refuses it.
/// </summary>
public sealed class InMemoryBulwarkStore : ICircuitBreakerStateStore, IDeliveryStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CircuitBreakerSnapshot> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<DeliveryEntry> _entries = [];

    /// <inheritdoc/>
    public Task SaveBreakerStateAsync(string key, CircuitBreakerSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_lock)
        {
            // As in the SQLite store: a late writer with an older snapshot must not undo a newer one.
            if (!_breakers.TryGetValue(key, out var saved) || snapshot.TakenAt >= saved.TakenAt)
            {
                _breakers[key] = snapshot;
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, CircuitBreakerSnapshot>> LoadBreakerStatesAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyDictionary<string, CircuitBreakerSnapshot>>(new Dictionary<string, CircuitBreakerSnapshot>(_breakers, StringComparer.OrdinalIgnoreCase));
        }
    }

    /// <inheritdoc/>
    public Task<(DeliveryEntry Entry, bool Created)> EnqueueAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_lock)
        {
            if (_entries.Find(e => e.Queue == entry.Queue && e.IdempotencyKey == entry.IdempotencyKey) is { } existing)
            {
                return Task.FromResult((existing, false));
            }

            _entries.Add(entry);
            return Task.FromResult((entry, true));
        }
    }

    /// <inheritdoc/>
    public Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.Find(e => e.Id == id));
        }
    }

    /// <inheritdoc/>
    public Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries.Find(e => e.Queue == queue && e.IdempotencyKey == idempotencyKey));
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> LeaseDueAsync(string owner, DateTimeOffset now, TimeSpan leaseDuration, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var leased = new List<DeliveryEntry>();
        lock (_lock)
        {
            for (int i = 0; i < _entries.Count && leased.Count < maxCount; i++)
            {
                var entry = _entries[i];
                if (entry.State != DeliveryState.Pending || entry.NextAttemptAt > now || HasUnfinishedPredecessor(i))
                {
                    continue;
                }

                var updated = entry with { State = DeliveryState.InProgress, Attempts = entry.Attempts + 1, LeaseOwner = owner, LeaseExpiresAt = now + leaseDuration };
                _entries[i] = updated;
                leased.Add(updated);
            }
        }

        return Task.FromResult<IReadOnlyList<DeliveryEntry>>(leased);
    }

    /// <inheritdoc/>
    public Task<bool> CompleteAsync(string id, string owner, DeliveryCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        lock (_lock)
        {
            int i = _entries.FindIndex(e => e.Id == id);
            if (i < 0 || _entries[i].State != DeliveryState.InProgress || _entries[i].LeaseOwner != owner)
            {
                return Task.FromResult(false);
            }

            var entry = _entries[i];
            _entries[i] = entry with
            {
                State = completion.State,
                LeaseOwner = null,
                LeaseExpiresAt = null,
                NextAttemptAt = completion.NextAttemptAt ?? entry.NextAttemptAt,
                LastError = completion.Error ?? (completion.State == DeliveryState.Delivered ? null : entry.LastError),
                Response = completion.Response ?? entry.Response,
                CompletedAt = completion.State is DeliveryState.Delivered or DeliveryState.Dead ? completion.At : null,
            };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task MarkNotifiedAsync(string id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int i = _entries.FindIndex(e => e.Id == id);
            if (i >= 0)
            {
                _entries[i] = _entries[i] with { Notified = true };
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListAsync(DeliveryState? state, int maxCount, CancellationToken cancellationToken) =>
        Select(e => state is null || e.State == state, maxCount);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListUnnotifiedAsync(int maxCount, CancellationToken cancellationToken) =>
        Select(e => e.State == DeliveryState.Delivered && !e.Notified, maxCount);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListStuckAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        Select(e => e.State == DeliveryState.InProgress && e.LeaseExpiresAt < now, maxCount);

    /// <inheritdoc/>
    public Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        int released = 0;
        lock (_lock)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                if (_entries[i] is { State: DeliveryState.InProgress } entry && entry.LeaseExpiresAt < now)
                {
                    _entries[i] = entry with { State = DeliveryState.Pending, LeaseOwner = null, LeaseExpiresAt = null, NextAttemptAt = now };
                    released++;
                }
            }
        }

        return Task.FromResult(released);
    }

    /// <inheritdoc/>
    public Task<int> ReleaseLeasesOfAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int released = 0;
        lock (_lock)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                if (_entries[i] is { State: DeliveryState.InProgress } entry && entry.LeaseOwner == owner)
                {
                    _entries[i] = entry with { State = DeliveryState.Pending, LeaseOwner = null, LeaseExpiresAt = null, NextAttemptAt = now };
                    released++;
                }
            }
        }

        return Task.FromResult(released);
    }

    /// <inheritdoc/>
    public Task<bool> ReplayAsync(string id, DateTimeOffset now, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            int i = _entries.FindIndex(e => e.Id == id && e.State == DeliveryState.Dead);
            if (i < 0)
            {
                return Task.FromResult(false);
            }

            _entries[i] = _entries[i] with { State = DeliveryState.Pending, Attempts = 0, NextAttemptAt = now, ExpiresAt = now + timeToLive, CompletedAt = null, Response = null, LastError = null };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public Task<int> PurgeAsync(DeliveryState state, DateTimeOffset completedBefore, CancellationToken cancellationToken)
    {
        if (state is not (DeliveryState.Delivered or DeliveryState.Dead))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "Only delivered or dead entries can be purged.");
        }

        lock (_lock)
        {
            return Task.FromResult(_entries.RemoveAll(e => e.State == state && e.CompletedAt < completedBefore));
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<DeliveryState, long>> CountAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var counts = Enum.GetValues<DeliveryState>().ToDictionary(s => s, s => (long)_entries.Count(e => e.State == s));
            return Task.FromResult<IReadOnlyDictionary<DeliveryState, long>>(counts);
        }
    }

    private bool HasUnfinishedPredecessor(int index)
    {
        var entry = _entries[index];
        if (entry.OrderingKey is null)
        {
            return false;
        }

        for (int j = 0; j < index; j++)
        {
            var earlier = _entries[j];
            if (earlier.Queue == entry.Queue && earlier.OrderingKey == entry.OrderingKey && earlier.State is DeliveryState.Pending or DeliveryState.InProgress)
            {
                return true;
            }
        }

        return false;
    }

    private Task<IReadOnlyList<DeliveryEntry>> Select(Func<DeliveryEntry, bool> predicate, int maxCount)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<DeliveryEntry>>([.. _entries.Where(predicate).Take(maxCount)]);
        }
    }
}
