namespace Bulwark.SharedState;

/// <summary>
/// Carries circuit breaker transitions between the instances of a fleet (Redis: <c>Bulwark.Storage.Redis</c>). It is never
/// on the request path: <see cref="CircuitBreakerStateSharing"/> publishes after a transition, off the calling thread, and
/// applies what arrives to the local breakers.
/// </summary>
public interface ICircuitBreakerStateExchange
{
    /// <summary>Publishes a transition to every other instance and keeps it as the breaker's latest state, unless a newer one is kept.</summary>
    /// <param name="state">The state.</param>
    /// <param name="cancellationToken">Cancels the publication.</param>
    /// <returns>A task that completes when the exchange took it.</returns>
    /// <exception cref="Storage.StoreUnavailableException">The exchange cannot be reached; the local breaker is unaffected.</exception>
    Task PublishAsync(SharedBreakerState state, CancellationToken cancellationToken);

    /// <summary>Reads the latest state of every breaker (at start, and again after a reconnection).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The states, one per key.</returns>
    /// <exception cref="Storage.StoreUnavailableException">The exchange cannot be reached.</exception>
    Task<IReadOnlyList<SharedBreakerState>> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Starts listening: <paramref name="received"/> gets every state another instance publishes, <paramref name="reconnected"/> is called after the connection came back (states may have been missed).</summary>
    /// <param name="received">Called with each published state (this instance's own included; the caller skips them). Must not block.</param>
    /// <param name="reconnected">Called after a reconnection. Must not block.</param>
    /// <param name="cancellationToken">Cancels the subscription request.</param>
    /// <returns>A task that completes when listening.</returns>
    /// <exception cref="Storage.StoreUnavailableException">The exchange cannot be reached.</exception>
    Task SubscribeAsync(Action<SharedBreakerState> received, Action reconnected, CancellationToken cancellationToken);

    /// <summary>
    /// Records this instance's current run of consecutive failures of a breaker (0: a success ended it) and returns the
    /// fleet's: the sum of every instance's current run, runs not updated for a minute left out (an instance that died).
    /// </summary>
    /// <param name="key">The breaker's key.</param>
    /// <param name="instanceId">This instance's id.</param>
    /// <param name="run">The length of this instance's run, 0 or more.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The fleet's run, or <see langword="null"/> when the exchange does not count runs (the default: each instance counts its own).</returns>
    /// <exception cref="Storage.StoreUnavailableException">The exchange cannot be reached.</exception>
    Task<int?> ReportFailureRunAsync(string key, string instanceId, int run, CancellationToken cancellationToken) => Task.FromResult<int?>(null);
}
