using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker;

/// <summary>
/// The durable part of a circuit breaker's state, taken with <see cref="CircuitBreakerHandle.CreateSnapshot"/> and applied
/// with <see cref="CircuitBreakerHandle.RestoreAsync"/>, so that a breaker can survive a restart or be shared between instances.
/// The sliding window is not part of it: it describes the last seconds only and is rebuilt from live traffic.
/// </summary>
/// <param name="State">The state.</param>
/// <param name="OpenUntil">When an open breaker lets probes through; <see langword="null"/> unless <see cref="CircuitState.Open"/>.</param>
/// <param name="TripCount">Consecutive trips since the breaker last closed (drives the growing break duration).</param>
/// <param name="BaselineFailureRate">The learned baseline failure rate.</param>
/// <param name="BaselineWeight">How many calls, after decay, the baseline rests on.</param>
/// <param name="LastTransitionAt">When the state last changed, or <see langword="null"/>.</param>
/// <param name="LastTransitionReason">Why the state last changed.</param>
/// <param name="TakenAt">When the snapshot was taken.</param>
public sealed record CircuitBreakerSnapshot(
    CircuitState State,
    DateTimeOffset? OpenUntil,
    int TripCount,
    double BaselineFailureRate,
    double BaselineWeight,
    DateTimeOffset? LastTransitionAt,
    CircuitTransitionReason LastTransitionReason,
    DateTimeOffset TakenAt);
