using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker;

/// <summary>A point-in-time reading of a circuit breaker, for health endpoints and dashboards.</summary>
/// <param name="State">The current state.</param>
/// <param name="Mode">The breaker's mode.</param>
/// <param name="WindowCalls">Calls recorded in the sliding window.</param>
/// <param name="WindowFailures">Handled failures (slow calls included) recorded in the sliding window.</param>
/// <param name="FailureRate">WindowFailures / WindowCalls, or 0 for an empty window.</param>
/// <param name="ConsecutiveFailures">Failures in a row since the last success.</param>
/// <param name="Threshold">
/// The failure rate that opens the breaker: <c>FailureRatio</c> in ratio mode, the current adaptive threshold in adaptive
/// mode (judged against the Wilson lower bound), <see langword="null"/> in consecutive mode.
/// </param>
/// <param name="Baseline">The learned baseline failure rate (adaptive mode), or <see langword="null"/>.</param>
/// <param name="TripCount">Consecutive trips since the breaker last closed.</param>
/// <param name="OpenUntil">When an open breaker lets probes through, or <see langword="null"/> unless open.</param>
/// <param name="LastTransitionAt">When the state last changed, or <see langword="null"/> if never.</param>
/// <param name="LastTransitionReason">Why the state last changed.</param>
public sealed record CircuitBreakerHealth(
    CircuitState State,
    CircuitBreakerMode Mode,
    long WindowCalls,
    long WindowFailures,
    double FailureRate,
    int ConsecutiveFailures,
    double? Threshold,
    double? Baseline,
    int TripCount,
    DateTimeOffset? OpenUntil,
    DateTimeOffset? LastTransitionAt,
    CircuitTransitionReason LastTransitionReason);
