namespace Bulwark.Deliveries;

/// <summary>What <see cref="IDeferredDeliveryQueue.EnqueueAsync"/> gives back: the stored entry, new or the earlier one with the same key.</summary>
/// <param name="Entry">The stored entry.</param>
/// <param name="Created"><see langword="true"/> when this call stored it; <see langword="false"/> when the key was already accepted (nothing was stored again).</param>
public sealed record DeliveryTicket(DeliveryEntry Entry, bool Created)
{
    /// <summary>Gets the entry's id.</summary>
    public string Id => Entry.Id;
}
