using Polly;

namespace Bulwark.Bulkhead;

/// <summary>
/// Returned (as the exception of an <see cref="Outcome{TResult}"/>, not thrown) when a Bulwark bulkhead refuses an execution.
/// </summary>
public sealed class BulkheadRejectedException : ExecutionRejectedException
{
    /// <summary>
    /// Initializes a new instance of the <see cref="BulkheadRejectedException"/> class.
    /// </summary>
    public BulkheadRejectedException()
        : this(BulkheadRejectionReason.QueueFull, retryAfter: null)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="BulkheadRejectedException"/> class.
    /// </summary>
    /// <param name="message">The message that describes the error.</param>
    public BulkheadRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="BulkheadRejectedException"/> class.
    /// </summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="inner">The inner exception.</param>
    public BulkheadRejectedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="BulkheadRejectedException"/> class.
    /// </summary>
    /// <param name="reason">Why the execution was rejected.</param>
    /// <param name="retryAfter">A hint for how long the caller should wait before trying again, if known.</param>
    public BulkheadRejectedException(BulkheadRejectionReason reason, TimeSpan? retryAfter)
        : base(CreateMessage(reason, retryAfter))
    {
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>
    /// Gets why the execution was rejected.
    /// </summary>
    public BulkheadRejectionReason Reason { get; }

    /// <summary>
    /// Gets a hint for how long the caller should wait before trying again, or <see langword="null"/> if unknown.
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    private static string CreateMessage(BulkheadRejectionReason reason, TimeSpan? retryAfter)
    {
        var what = reason switch
        {
            BulkheadRejectionReason.QueueFull => "The bulkhead rejected the execution: all slots are busy and the queue is full.",
            _ => "The bulkhead rejected the execution: no slot became free within the maximum wait.",
        };

        return retryAfter is { } after
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{what} Retry after {after}.")
            : what;
    }
}
