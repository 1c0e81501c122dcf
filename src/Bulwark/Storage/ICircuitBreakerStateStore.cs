using Bulwark.CircuitBreaker;

namespace Bulwark.Storage;

/// <summary>
/// Keeps the durable part of circuit breakers' state (<see cref="CircuitBreakerSnapshot"/>) so that it survives a restart.
/// Implementations: <see cref="InMemoryBulwarkStore"/> (tests, development) and the SQLite store of <c>Bulwark.Storage.Sqlite</c>.
/// </summary>
public interface ICircuitBreakerStateStore
{
    /// <summary>Saves the latest snapshot of one breaker, replacing the one saved before.</summary>
    /// <param name="key">The breaker's key: <c>{pipeline}/{instance}</c>, case-insensitive.</param>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes once the snapshot is durable.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written (full, read-only, locked beyond its timeout).</exception>
    Task SaveBreakerStateAsync(string key, CircuitBreakerSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>Loads every saved snapshot.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshots by breaker key (case-insensitive).</returns>
    Task<IReadOnlyDictionary<string, CircuitBreakerSnapshot>> LoadBreakerStatesAsync(CancellationToken cancellationToken);
}
