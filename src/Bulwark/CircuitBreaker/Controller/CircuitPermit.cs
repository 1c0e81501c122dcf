using System.Runtime.CompilerServices;

namespace Bulwark.CircuitBreaker.Controller;

/// <summary>What the breaker decided about one call before it runs.</summary>
internal enum PermitKind
{
    /// <summary>Runs while closed; its outcome feeds the window.</summary>
    Normal,

    /// <summary>Runs as a half-open probe.</summary>
    Probe,

    /// <summary>Rejected: the breaker is open.</summary>
    RejectedOpen,

    /// <summary>Rejected: the breaker is half-open and all probe slots are taken.</summary>
    RejectedHalfOpen,

    /// <summary>Rejected: the breaker is isolated.</summary>
    RejectedIsolated,
}

/// <summary>
/// The breaker's answer to one call. <see cref="StateEpoch"/> ties the call's outcome to the state it started in, so an
/// outcome that arrives after the breaker moved on is ignored rather than counted against the new state.
/// </summary>
/// <remarks>A transition made on entry is rare, so it travels boxed: the permit stays small on the hot path.</remarks>
internal readonly record struct CircuitPermit(PermitKind Kind, long StateEpoch, TimeSpan RetryAfter, StrongBox<CircuitTransition>? Transition)
{
    public bool IsRejected => Kind >= PermitKind.RejectedOpen;
}
