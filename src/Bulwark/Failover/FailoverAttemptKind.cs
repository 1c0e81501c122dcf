namespace Bulwark.Failover;

/// <summary>
/// How one attempt of a failover execution ended.
/// </summary>
public enum FailoverAttemptKind
{
    /// <summary>The callback produced a result that does not call for failover.</summary>
    Success,

    /// <summary>The callback threw, or produced a result for which <see cref="FailoverOptions{TResult}.ShouldFailover"/> returned <see langword="true"/>.</summary>
    Failure,

    /// <summary>The provider's pipeline refused the execution (an <see cref="Polly.ExecutionRejectedException"/>, such as an open circuit or a full bulkhead).</summary>
    Rejected,

    /// <summary>The provider was not tried because it reported itself unavailable (for example, its circuit is open).</summary>
    Skipped,

    /// <summary>The caller's cancellation token was cancelled during the attempt.</summary>
    Cancelled,
}
