using Polly;

namespace Bulwark.Bulkhead;

/// <summary>
/// Arguments of <see cref="BulwarkBulkheadStrategyOptions.OnRejected"/> and of the <c>OnBulkheadRejected</c> telemetry event.
/// </summary>
public readonly struct OnBulkheadRejectedArguments
{
    /// <summary>
    /// Initializes a new instance of the <see cref="OnBulkheadRejectedArguments"/> struct.
    /// </summary>
    /// <param name="context">The context of the rejected execution.</param>
    /// <param name="reason">Why the execution was rejected.</param>
    /// <param name="retryAfter">A hint for how long to wait before trying again, if known.</param>
    public OnBulkheadRejectedArguments(ResilienceContext context, BulkheadRejectionReason reason, TimeSpan? retryAfter)
    {
        Context = context;
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the context of the rejected execution.</summary>
    public ResilienceContext Context { get; }

    /// <summary>Gets why the execution was rejected.</summary>
    public BulkheadRejectionReason Reason { get; }

    /// <summary>Gets a hint for how long to wait before trying again, or <see langword="null"/> if unknown.</summary>
    public TimeSpan? RetryAfter { get; }
}
