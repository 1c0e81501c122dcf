namespace Bulwark.Bulkhead;

/// <summary>
/// Why a bulkhead refused to run an execution.
/// </summary>
public enum BulkheadRejectionReason
{
    /// <summary>
    /// Every slot was busy and the waiting queue already held
    /// <see cref="BulwarkBulkheadStrategyOptions.QueueLimit"/> callers.
    /// </summary>
    QueueFull,

    /// <summary>
    /// The caller waited <see cref="BulwarkBulkheadStrategyOptions.MaxWait"/> without being granted a slot
    /// (or <see cref="BulwarkBulkheadStrategyOptions.MaxWait"/> is <see cref="TimeSpan.Zero"/> and no slot was free).
    /// </summary>
    WaitTimedOut,
}
