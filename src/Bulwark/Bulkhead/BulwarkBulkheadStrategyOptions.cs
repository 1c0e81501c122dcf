using System.ComponentModel.DataAnnotations;
using Polly;

namespace Bulwark.Bulkhead;

/// <summary>
/// Options of the Bulwark bulkhead: a cap on concurrent executions with a bounded FIFO queue of waiting callers.
/// </summary>
/// <remarks>
/// Bound from configuration as, for example,
/// <c>"Bulkhead": { "MaxConcurrency": 200, "QueueLimit": 200, "MaxWait": "00:00:01" }</c>.
/// A rejected execution is returned as an outcome carrying a <see cref="BulkheadRejectedException"/>; it is not thrown.
/// </remarks>
public class BulwarkBulkheadStrategyOptions : ResilienceStrategyOptions
{
    /// <summary>
    /// Initializes a new instance of the <see cref="BulwarkBulkheadStrategyOptions"/> class.
    /// </summary>
    public BulwarkBulkheadStrategyOptions()
    {
        Name = BulkheadConstants.DefaultName;
    }

    /// <summary>
    /// Gets or sets the maximum number of executions that may run at the same time.
    /// </summary>
    /// <value>
    /// The default value is 100. The value must be between 1 and 100000 inclusive.
    /// </value>
    [Range(BulkheadConstants.MinMaxConcurrency, BulkheadConstants.MaxMaxConcurrency)]
    public int MaxConcurrency { get; set; } = BulkheadConstants.DefaultMaxConcurrency;

    /// <summary>
    /// Gets or sets the maximum number of callers that may wait, in arrival order, for a slot.
    /// </summary>
    /// <value>
    /// The default value is 100. The value must be between 0 and 100000 inclusive;
    /// 0 rejects with <see cref="BulkheadRejectionReason.QueueFull"/> every call that finds all slots busy.
    /// </value>
    [Range(BulkheadConstants.MinQueueLimit, BulkheadConstants.MaxQueueLimit)]
    public int QueueLimit { get; set; } = BulkheadConstants.DefaultQueueLimit;

    /// <summary>
    /// Gets or sets how long a queued caller waits for a slot before it is rejected with
    /// <see cref="BulkheadRejectionReason.WaitTimedOut"/>.
    /// </summary>
    /// <remarks>
    /// Waiting is measured with the pipeline's <see cref="TimeProvider"/> and ends early if the caller's
    /// cancellation token is cancelled, in which case the caller leaves the queue and the outcome carries an
    /// <see cref="OperationCanceledException"/>.
    /// With <see cref="TimeSpan.Zero"/> nobody ever waits: a call that finds all slots busy is rejected at once,
    /// with <see cref="BulkheadRejectionReason.QueueFull"/> if <see cref="QueueLimit"/> callers are already queued
    /// and with <see cref="BulkheadRejectionReason.WaitTimedOut"/> otherwise.
    /// </remarks>
    /// <value>
    /// The default value is 1 second. The value must be between <see cref="TimeSpan.Zero"/> and 1 day inclusive.
    /// </value>
    [Range(typeof(TimeSpan), BulkheadConstants.MinMaxWait, BulkheadConstants.MaxMaxWait)]
    public TimeSpan MaxWait { get; set; } = BulkheadConstants.DefaultMaxWait;

    /// <summary>
    /// Gets or sets a callback invoked after an execution is rejected, before the rejection outcome is returned.
    /// </summary>
    /// <value>
    /// The default value is <see langword="null"/>.
    /// </value>
    public Func<OnBulkheadRejectedArguments, ValueTask>? OnRejected { get; set; }

    /// <summary>
    /// Gets or sets a handle that exposes the bulkhead's gauges (active, queued, rejected) once the pipeline is built.
    /// </summary>
    /// <remarks>
    /// A handle binds to exactly one bulkhead; building a second pipeline with the same handle throws
    /// <see cref="InvalidOperationException"/>.
    /// </remarks>
    /// <value>
    /// The default value is <see langword="null"/>.
    /// </value>
    public BulkheadHandle? Handle { get; set; }
}
