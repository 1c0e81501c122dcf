using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker;

/// <summary>
/// Reads and controls one Bulwark circuit breaker: its state for health endpoints and failover,
/// manual isolation, and snapshots for persistence.
/// </summary>
/// <remarks>
/// Create one, assign it to <c>BulwarkCircuitBreakerStrategyOptions.Handle</c>, and keep it: a handle
/// binds to exactly one breaker when the pipeline is built.
/// </remarks>
public sealed class CircuitBreakerHandle
{
    /// <summary>Gets the breaker's current state; <see cref="CircuitState.Closed"/> until the handle is bound.</summary>
    public CircuitState State => CircuitState.Closed;
}
