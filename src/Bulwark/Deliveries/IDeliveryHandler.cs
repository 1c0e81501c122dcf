namespace Bulwark.Deliveries;

/// <summary>
/// Delivers the entries of a queue. Register one per queue with
/// <c>services.AddKeyedSingleton&lt;IDeliveryHandler&gt;(queue, handler)</c> (or <c>AddBulwarkDeliveries().AddHandler(...)</c>);
/// a handler registered with <c>KeyedService.AnyKey</c> serves every queue without one of its own.
/// </summary>
public interface IDeliveryHandler
{
    /// <summary>
    /// Makes one delivery attempt. Send <see cref="DeliveryEntry.IdempotencyKey"/> along so that the dependency can drop a
    /// duplicate: a dispatcher that dies after the dependency accepted, but before it recorded so, delivers again.
    /// An exception counts as <see cref="DeliveryAttemptResult.Failed"/>.
    /// </summary>
    /// <param name="entry">The entry, leased to this attempt.</param>
    /// <param name="cancellationToken">Fires at the attempt timeout or when the host stops.</param>
    /// <returns>What the attempt achieved.</returns>
    ValueTask<DeliveryAttemptResult> DeliverAsync(DeliveryEntry entry, CancellationToken cancellationToken);
}
