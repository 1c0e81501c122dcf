namespace Bulwark.Bulkhead.Controller;

/// <summary>
/// One queued caller: a node of the controller's intrusive FIFO list and the task the caller awaits.
/// </summary>
internal sealed class BulkheadWaiter : TaskCompletionSource<BulkheadAcquireResult>
{
    private readonly BulkheadController _owner;

    public BulkheadWaiter(BulkheadController owner)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _owner = owner;
    }

    // Guarded by the owner's lock.
    public BulkheadWaiter? Previous { get; set; }

    public BulkheadWaiter? Next { get; set; }

    public bool IsQueued { get; set; }

    public async ValueTask<BulkheadAcquireResult> WaitAsync(TimeSpan maxWait, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var timer = timeProvider.CreateTimer(
            static state => ((BulkheadWaiter)state!).End(BulkheadAcquireResult.WaitTimedOut),
            this,
            maxWait,
            Timeout.InfiniteTimeSpan);

        using var registration = cancellationToken.UnsafeRegister(
            static state => ((BulkheadWaiter)state!).End(BulkheadAcquireResult.Cancelled),
            this);

        return await Task.ConfigureAwait(false);
    }

    private void End(BulkheadAcquireResult result) => _owner.EndWait(this, result);
}
