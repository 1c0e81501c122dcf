namespace Bulwark.Bulkhead.Controller;

/// <summary>
/// Counts slots for one bulkhead: a lock-free fast path while nobody waits, a lock-protected FIFO queue otherwise.
/// </summary>
/// <remarks>
/// Lost wake-ups are prevented by pairing two full fences: <see cref="Release"/> decrements <c>_active</c> with an
/// interlocked operation and only then reads <c>_queued</c>; an enqueuer increments <c>_queued</c> with an interlocked
/// operation and only then retries acquisition (<see cref="GrantLocked"/>). Whichever of the two runs second sees the
/// other's write, so a freed slot and a new waiter always meet.
/// Every waiter is completed under the lock, and waiters resume asynchronously, so no user code runs under it.
/// </remarks>
internal sealed class BulkheadController
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private BulkheadWaiter? _head;
    private BulkheadWaiter? _tail;
    private int _active;
    private int _queued;
    private long _rejectedTotal;

    public BulkheadController(int maxConcurrency, int queueLimit, TimeSpan maxWait, TimeProvider timeProvider)
    {
        MaxConcurrency = maxConcurrency;
        QueueLimit = queueLimit;
        MaxWait = maxWait;
        _timeProvider = timeProvider;
    }

    public int MaxConcurrency { get; }

    public int QueueLimit { get; }

    public TimeSpan MaxWait { get; }

    public int Active => Volatile.Read(ref _active);

    public int Queued => Volatile.Read(ref _queued);

    public long RejectedTotal => Interlocked.Read(ref _rejectedTotal);

    /// <summary>
    /// Takes a slot without waiting, but only while nobody is queued so that queued callers keep their turn.
    /// </summary>
    public bool TryAcquire() => Volatile.Read(ref _queued) == 0 && TryTakeSlot();

    /// <summary>
    /// Takes a slot, waiting in the queue when all are busy. Call after <see cref="TryAcquire"/> failed.
    /// </summary>
    public ValueTask<BulkheadAcquireResult> AcquireSlowAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new(BulkheadAcquireResult.Cancelled);
        }

        BulkheadWaiter waiter;
        lock (_lock)
        {
            if (_head is null && TryTakeSlot())
            {
                return new(BulkheadAcquireResult.Acquired);
            }

            if (_queued >= QueueLimit)
            {
                Interlocked.Increment(ref _rejectedTotal);
                return new(BulkheadAcquireResult.QueueFull);
            }

            if (MaxWait <= TimeSpan.Zero)
            {
                Interlocked.Increment(ref _rejectedTotal);
                return new(BulkheadAcquireResult.WaitTimedOut);
            }

            waiter = new BulkheadWaiter(this);
            Append(waiter);

            // A releaser that decremented before our increment of _queued saw an empty queue and woke nobody:
            // retry on our own behalf (this grants in FIFO order, so possibly to an older waiter first).
            GrantLocked();
        }

        if (waiter.Task.IsCompleted)
        {
            return new(waiter.Task.Result);
        }

        return waiter.WaitAsync(MaxWait, _timeProvider, cancellationToken);
    }

    /// <summary>
    /// Returns a slot and hands it to the oldest waiter, if any.
    /// </summary>
    public void Release()
    {
        // Interlocked: a full fence, so the read of _queued below cannot move before the decrement.
        Interlocked.Decrement(ref _active);

        if (Volatile.Read(ref _queued) != 0)
        {
            lock (_lock)
            {
                GrantLocked();
            }
        }
    }

    /// <summary>
    /// Ends a wait that timed out or was cancelled, unless the waiter was granted a slot first.
    /// </summary>
    internal void EndWait(BulkheadWaiter waiter, BulkheadAcquireResult result)
    {
        lock (_lock)
        {
            if (!waiter.IsQueued)
            {
                // Already granted (it owns a slot and will run) or already ended.
                return;
            }

            Unlink(waiter);
            if (result == BulkheadAcquireResult.WaitTimedOut)
            {
                Interlocked.Increment(ref _rejectedTotal);
            }

            waiter.TrySetResult(result);
        }
    }

    private bool TryTakeSlot()
    {
        var current = Volatile.Read(ref _active);
        while (current < MaxConcurrency)
        {
            var seen = Interlocked.CompareExchange(ref _active, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    private void GrantLocked()
    {
        while (_head is { } waiter && TryTakeSlot())
        {
            Unlink(waiter);
            if (!waiter.TrySetResult(BulkheadAcquireResult.Acquired))
            {
                // Cannot happen while waiters are completed only under the lock; kept so a slot can never leak.
                Interlocked.Decrement(ref _active);
            }
        }
    }

    private void Append(BulkheadWaiter waiter)
    {
        waiter.Previous = _tail;
        if (_tail is null)
        {
            _head = waiter;
        }
        else
        {
            _tail.Next = waiter;
        }

        _tail = waiter;
        waiter.IsQueued = true;

        // Interlocked: a full fence, pairing with the one in Release.
        Interlocked.Increment(ref _queued);
    }

    private void Unlink(BulkheadWaiter waiter)
    {
        if (waiter.Previous is null)
        {
            _head = waiter.Next;
        }
        else
        {
            waiter.Previous.Next = waiter.Next;
        }

        if (waiter.Next is null)
        {
            _tail = waiter.Previous;
        }
        else
        {
            waiter.Next.Previous = waiter.Previous;
        }

        waiter.Previous = null;
        waiter.Next = null;
        waiter.IsQueued = false;
        Interlocked.Decrement(ref _queued);
    }
}
