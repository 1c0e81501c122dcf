using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker;

/// <summary>One state change of a circuit breaker.</summary>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="Reason">Why it changed.</param>
/// <param name="At">When it changed, from the breaker's <see cref="TimeProvider"/>.</param>
/// <param name="BreakDuration">How long the breaker stays open; <see cref="TimeSpan.Zero"/> unless <paramref name="To"/> is <see cref="CircuitState.Open"/>.</param>
/// <param name="FailureRate">The window's failure rate when the transition happened.</param>
/// <param name="Threshold">The threshold the failure rate was judged against (the adaptive threshold in adaptive mode), or <see langword="null"/> when not applicable.</param>
public readonly record struct CircuitTransition(
    CircuitState From,
    CircuitState To,
    CircuitTransitionReason Reason,
    DateTimeOffset At,
    TimeSpan BreakDuration,
    double FailureRate,
    double? Threshold);
