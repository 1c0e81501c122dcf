namespace Bulwark.Bulkhead.Controller;

internal enum BulkheadAcquireResult
{
    Acquired,
    QueueFull,
    WaitTimedOut,
    Cancelled,
}
