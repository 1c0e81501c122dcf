namespace Bulwark.Outcomes;

/// <summary>
/// How one attempt at a provider ended, computed once by the engine where it happened (<see cref="Failover.FailoverAttempt.Outcome"/>).
/// Problems, logs, metrics and deferral switch on it; nothing downstream classifies the attempt again.
/// </summary>
public enum AttemptOutcome
{
    /// <summary>The provider served a result the chain accepts.</summary>
    Success,

    /// <summary>The provider answered with a status the pipeline's <see cref="Classification.TransientClassifier"/> calls transient (408, 429, 500, 502, 503, 504, 529 by default).</summary>
    TransientStatus,

    /// <summary>No usable answer: the connection was refused, reset or closed, or the exchange failed below HTTP.</summary>
    ConnectionFailed,

    /// <summary>A timeout of the provider's pipeline ended the attempt (a deadline carried by the caller's token is <see cref="Cancelled"/>).</summary>
    Timeout,

    /// <summary>The provider's circuit breaker rejected the attempt: the breaker is open, or half-open with every probe taken.</summary>
    CircuitOpen,

    /// <summary>The provider's circuit breaker is isolated by an operator and rejected the attempt.</summary>
    Isolated,

    /// <summary>The provider's bulkhead was full and its queue too (or the wait ran out), so the attempt was rejected.</summary>
    BulkheadFull,

    /// <summary>A rate limiter in the provider's pipeline rejected the attempt.</summary>
    RateLimited,

    /// <summary>Another strategy of the provider's pipeline refused the attempt (an <see cref="Polly.ExecutionRejectedException"/> no value above names).</summary>
    Rejected,

    /// <summary>The caller cancelled.</summary>
    Cancelled,

    /// <summary>The provider was not tried: it reported itself unavailable (its breaker open).</summary>
    Skipped,

    /// <summary>
    /// Any other failure: an exception no rule above describes, or a result the chain's failover rule rejects whose status
    /// is not transient.
    /// </summary>
    Failed,
}
