namespace Bulwark.Deliveries;

/// <summary>Where a deferred delivery is in its life.</summary>
public enum DeliveryState
{
    /// <summary>Stored and waiting for its next attempt.</summary>
    Pending = 0,

    /// <summary>Leased by a dispatcher that is attempting it now; returned to <see cref="Pending"/> if its lease expires.</summary>
    InProgress = 1,

    /// <summary>The dependency accepted it (a success status). Final.</summary>
    Delivered = 2,

    /// <summary>Given up: attempts or time to live exhausted, or the dependency refused it for good. Can be replayed by an operator.</summary>
    Dead = 3,
}
