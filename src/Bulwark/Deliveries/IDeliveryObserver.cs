namespace Bulwark.Deliveries;

/// <summary>
/// Told of every successful delivery — record-only-on-success: never of a failed attempt, a refusal or a dead letter.
/// Told once per delivered entry while the process lives; if the process stops between the delivery being recorded and
/// the observers being told, they are told when it starts again (so an observer should tolerate a repeat after a crash).
/// Register any number as singletons.
/// </summary>
public interface IDeliveryObserver
{
    /// <summary>Called once the entry is durably recorded as delivered.</summary>
    /// <param name="entry">The delivered entry, with the dependency's <see cref="DeliveryEntry.Response"/>.</param>
    /// <param name="cancellationToken">Fires when the host stops.</param>
    /// <returns>A task that completes when the observer is done; its exception is logged, not retried.</returns>
    ValueTask OnDeliveredAsync(DeliveryEntry entry, CancellationToken cancellationToken);
}
