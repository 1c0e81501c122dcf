namespace Bulwark.Deliveries;

/// <summary>Wakes the dispatcher when an entry is stored, so that a due entry need not wait for the next poll.</summary>
/// <remarks>
/// <c>AddBulwarkDeliveries</c> registers it; <see cref="IDeferredDeliveryQueue"/> wakes it on every enqueue. Wake it after
/// making an entry due through <see cref="IDeliveryStore"/> directly (replaying a dead letter).
/// </remarks>
public sealed class DeliverySignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    /// <summary>Wakes the dispatcher now, or as soon as it next waits; wakes that come together count once.</summary>
    public void Wake()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake is enough.
        }
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        WaitCoreAsync(timeout, timeProvider, cancellationToken);

    private async Task<bool> WaitCoreAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var delay = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, delay.Token);
        try
        {
            await _semaphore.WaitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
