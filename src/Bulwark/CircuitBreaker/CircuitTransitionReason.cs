namespace Bulwark.CircuitBreaker;

/// <summary>Why a circuit breaker changed state.</summary>
public enum CircuitTransitionReason
{
    /// <summary>No transition has happened yet.</summary>
    None,

    /// <summary>Opened: <c>FailureThreshold</c> failures in a row (<see cref="CircuitBreakerMode.ConsecutiveFailures"/>).</summary>
    ConsecutiveFailures,

    /// <summary>Opened: the window's failure ratio reached <c>FailureRatio</c> (<see cref="CircuitBreakerMode.FailureRatio"/>).</summary>
    FailureRatioExceeded,

    /// <summary>Opened: the window's failure rate is significantly above the learned baseline (<see cref="CircuitBreakerMode.Adaptive"/>).</summary>
    AdaptiveThresholdExceeded,

    /// <summary>Half-opened: the break duration elapsed and probes may go out.</summary>
    BreakDurationElapsed,

    /// <summary>Closed: <c>SuccessThreshold</c> probes in a row succeeded.</summary>
    ProbesSucceeded,

    /// <summary>Opened again: a half-open probe failed.</summary>
    ProbeFailed,

    /// <summary>Isolated by an operator through <see cref="CircuitBreakerHandle.IsolateAsync"/>.</summary>
    ManualIsolation,

    /// <summary>Closed by an operator through <see cref="CircuitBreakerHandle.CloseAsync"/>.</summary>
    ManualClose,

    /// <summary>Closed and cleared by an operator through <see cref="CircuitBreakerHandle.ResetAsync"/>.</summary>
    ManualReset,

    /// <summary>State restored from a <see cref="CircuitBreakerSnapshot"/>.</summary>
    Restored,

    /// <summary>
    /// Opened: the fleet's instances together saw <c>FailureThreshold</c> failures in a row (the sum of their current runs,
    /// <see cref="SharedState.CircuitBreakerStateSharing"/>), though this instance alone saw fewer.
    /// </summary>
    FleetConsecutiveFailures,
}
