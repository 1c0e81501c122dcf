using Bulwark.Bulkhead.Controller;

namespace Bulwark.Bulkhead;

/// <summary>
/// Reads the live gauges of one Bulwark bulkhead, for health endpoints and metrics.
/// </summary>
/// <remarks>
/// Create one, assign it to <see cref="BulwarkBulkheadStrategyOptions.Handle"/>, and keep it: a handle binds to
/// exactly one bulkhead when the pipeline is built. Until then every gauge reads 0.
/// The gauges are read without locking, so together they are a near-instant view, not an atomic snapshot.
/// </remarks>
public sealed class BulkheadHandle
{
    private BulkheadController? _controller;

    /// <summary>Gets a value indicating whether the handle has been bound to a bulkhead.</summary>
    public bool IsBound => Volatile.Read(ref _controller) is not null;

    /// <summary>Gets the number of executions currently holding a slot.</summary>
    public int Active => Volatile.Read(ref _controller)?.Active ?? 0;

    /// <summary>Gets the number of callers currently waiting for a slot.</summary>
    public int Queued => Volatile.Read(ref _controller)?.Queued ?? 0;

    /// <summary>Gets the number of executions rejected (queue full or wait timed out) since the bulkhead was built.</summary>
    public long RejectedTotal => Volatile.Read(ref _controller)?.RejectedTotal ?? 0;

    /// <summary>Gets the bulkhead's maximum concurrency.</summary>
    public int MaxConcurrency => Volatile.Read(ref _controller)?.MaxConcurrency ?? 0;

    /// <summary>Gets the bulkhead's queue limit.</summary>
    public int QueueLimit => Volatile.Read(ref _controller)?.QueueLimit ?? 0;

    internal void Bind(BulkheadController controller)
    {
        if (Interlocked.CompareExchange(ref _controller, controller, null) is not null)
        {
            throw new InvalidOperationException("This BulkheadHandle is already bound to a bulkhead; a handle can be used by only one strategy.");
        }
    }
}
