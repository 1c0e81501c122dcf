namespace Bulwark.CircuitBreaker;

/// <summary>How a Bulwark circuit breaker decides to open.</summary>
public enum CircuitBreakerMode
{
    /// <summary>
    /// Opens after <c>FailureThreshold</c> handled failures in a row; any success resets the count.
    /// The simplest breaker, and the right one for low-traffic dependencies.
    /// </summary>
    ConsecutiveFailures,

    /// <summary>
    /// Opens when the failure ratio over the sliding <c>SamplingDuration</c> window reaches
    /// <c>FailureRatio</c>, never before <c>MinimumThroughput</c> calls in the window (Polly's breaker).
    /// </summary>
    FailureRatio,

    /// <summary>
    /// Learns the dependency's own baseline failure rate and opens only when the recent window is
    /// significantly worse than it: the Wilson score lower bound of the window's failure rate must exceed
    /// the adaptive threshold. See <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}"/> for the formula.
    /// </summary>
    Adaptive,
}
