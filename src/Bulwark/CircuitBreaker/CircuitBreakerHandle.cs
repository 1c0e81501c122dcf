using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker;

/// <summary>
/// Reads and controls one Bulwark circuit breaker: its state and health for endpoints and failover, manual isolation,
/// and snapshots to persist or share its state.
/// </summary>
/// <remarks>
/// Create one, assign it to <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}.Handle"/>, and keep it: the handle
/// binds to exactly one breaker when the pipeline is built. Reading an unbound handle's <see cref="State"/> gives
/// <see cref="CircuitState.Closed"/>; every other member throws <see cref="InvalidOperationException"/> until it is bound.
/// </remarks>
public sealed class CircuitBreakerHandle
{
    private IBreaker? _breaker;

    /// <summary>Raised after every state change, outside the breaker's lock (for example to persist a snapshot).</summary>
    public event EventHandler<CircuitTransition>? StateChanged;

    /// <summary>Gets a value indicating whether the handle is bound to a breaker.</summary>
    public bool IsBound => _breaker is not null;

    /// <summary>Gets the breaker's current state; <see cref="CircuitState.Closed"/> while unbound.</summary>
    public CircuitState State => _breaker?.Controller.State ?? CircuitState.Closed;

    /// <summary>
    /// Gets a value indicating whether a call made now would be let through: closed, open with its break elapsed (the call
    /// would probe), or half-open with a free probe slot. Reading it changes nothing. <see langword="true"/> while unbound.
    /// Failover uses it to skip a provider without starving its breaker of the probe that closes it.
    /// </summary>
    public bool IsCallPermitted => _breaker?.Controller.WouldPermit() ?? true;

    /// <summary>Reads the breaker's health: state, window counts, failure rate, threshold, baseline, last transition.</summary>
    /// <returns>A point-in-time reading.</returns>
    public CircuitBreakerHealth GetHealth() => Bound.Controller.GetHealth();

    /// <summary>Isolates the breaker: every call is rejected with <see cref="IsolatedCircuitException"/> until <see cref="CloseAsync"/> or <see cref="ResetAsync"/>.</summary>
    /// <param name="cancellationToken">Cancels the transition callbacks.</param>
    /// <returns>A task that completes once the transition's events are raised.</returns>
    public ValueTask IsolateAsync(CancellationToken cancellationToken = default) =>
        Bound.RaiseDetachedAsync(Bound.Controller.Isolate(), cancellationToken);

    /// <summary>Closes the breaker, whatever its state, and clears its window.</summary>
    /// <param name="cancellationToken">Cancels the transition callbacks.</param>
    /// <returns>A task that completes once the transition's events are raised.</returns>
    public ValueTask CloseAsync(CancellationToken cancellationToken = default) =>
        Bound.RaiseDetachedAsync(Bound.Controller.Close(), cancellationToken);

    /// <summary>Closes the breaker and forgets everything it learned: window, trip count and adaptive baseline.</summary>
    /// <param name="cancellationToken">Cancels the transition callbacks.</param>
    /// <returns>A task that completes once the transition's events are raised.</returns>
    public ValueTask ResetAsync(CancellationToken cancellationToken = default) =>
        Bound.RaiseDetachedAsync(Bound.Controller.Reset(), cancellationToken);

    /// <summary>Takes the durable part of the breaker's state.</summary>
    /// <returns>The snapshot.</returns>
    public CircuitBreakerSnapshot CreateSnapshot() => Bound.Controller.CreateSnapshot();

    /// <summary>
    /// Applies a snapshot: an open breaker stays open until its open-until (at most <c>MaxBreakDuration</c> from now) and then
    /// probes; a half-open one is restored open with its break elapsed, so the next call probes; the baseline is restored.
    /// </summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="cancellationToken">Cancels the transition callbacks.</param>
    /// <returns>A task that completes once the transition's events are raised.</returns>
    public ValueTask RestoreAsync(CircuitBreakerSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Bound.RaiseDetachedAsync(Bound.Controller.Restore(snapshot), cancellationToken);
    }

    /// <summary>Gets the breaker's mode and failure threshold (for a fleet that counts consecutive failures together).</summary>
    internal (CircuitBreakerMode Mode, int FailureThreshold) Counting => (Bound.Controller.Settings.Mode, Bound.Controller.Settings.FailureThreshold);

    /// <summary>Sets what is told the breaker's run of consecutive failures as it changes (see the controller's <c>FailureRunChanged</c>).</summary>
    internal void ObserveFailureRun(Action<int>? observer) => Bound.Controller.FailureRunChanged = observer;

    /// <summary>Opens the breaker if it is closed: the fleet's instances together reached its failure threshold.</summary>
    internal ValueTask TripAsync(CircuitTransitionReason reason, CancellationToken cancellationToken = default) =>
        Bound.RaiseDetachedAsync(Bound.Controller.Trip(reason), cancellationToken);

    internal void Bind<TResult>(BulwarkCircuitBreakerResilienceStrategy<TResult> strategy)
    {
        if (Interlocked.CompareExchange(ref _breaker, new Breaker<TResult>(strategy), null) is not null)
        {
            throw new InvalidOperationException("The CircuitBreakerHandle is already bound to another circuit breaker; create one handle per breaker.");
        }
    }

    internal void OnTransition(CircuitTransition transition) => StateChanged?.Invoke(this, transition);

    private IBreaker Bound => _breaker ?? throw new InvalidOperationException(
        "The CircuitBreakerHandle is not bound: assign it to BulwarkCircuitBreakerStrategyOptions.Handle and build the pipeline first.");

    private interface IBreaker
    {
        Controller.CircuitBreakerController Controller { get; }

        ValueTask RaiseDetachedAsync(CircuitTransition? transition, CancellationToken cancellationToken);
    }

    private sealed class Breaker<TResult>(BulwarkCircuitBreakerResilienceStrategy<TResult> strategy) : IBreaker
    {
        public Controller.CircuitBreakerController Controller => strategy.Controller;

        public ValueTask RaiseDetachedAsync(CircuitTransition? transition, CancellationToken cancellationToken) =>
            strategy.RaiseDetachedAsync(transition, cancellationToken);
    }
}
