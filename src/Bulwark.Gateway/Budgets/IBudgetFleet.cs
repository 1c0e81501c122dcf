namespace Bulwark.Gateway.Budgets;

/// <summary>
/// Budget counters shared by a fleet of gateways (<c>Bulwark:SharedState</c>): a reservation this gateway's own book
/// accepted is also made on the fleet's counters, which refuse what the fleet as a whole has no room for.
/// </summary>
internal interface IBudgetFleet
{
    /// <summary>
    /// Reserves <paramref name="reservation"/> on the fleet's counters of its <see cref="BudgetReservation.Holds"/>
    /// (sets <see cref="BudgetReservation.HeldByFleet"/> when they hold it).
    /// </summary>
    /// <returns><see langword="null"/> when the request may go (held, or the fleet's counters cannot be reached and the
    /// configuration fails open); else the refusal, or <see cref="BudgetFleetRefusal.Unavailable"/>.</returns>
    ValueTask<BudgetFleetRefusal?> ReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken);

    /// <summary>Ends the reservation on the fleet's counters with what it spent (0 and 0 when released), in the background.</summary>
    void End(BudgetReservation reservation, long tokens, long cost);

    /// <summary>Reads the fleet's counter behind one of this gateway's (for the status endpoints).</summary>
    /// <returns>Its spend and holds, or <see langword="null"/> when the fleet's counters cannot be reached or do not know it yet.</returns>
    Task<BudgetFleetFigures?> ReadAsync(BudgetCounterStatus status, CancellationToken cancellationToken);
}

/// <summary>What a budget's counter holds for the whole fleet: spend (tokens; cost in billionths) and reservations in flight on every gateway.</summary>
internal sealed record BudgetFleetFigures(long SpentTokens, long SpentCost, long ReservedTokens, long ReservedCost);

/// <summary>Why the fleet's counters did not take a reservation: a budget's refusal, or the counters could not be reached (failing closed).</summary>
internal sealed record BudgetFleetRefusal(BudgetRefusal? Refusal, string? UnavailableReason)
{
    public static BudgetFleetRefusal Unavailable(string reason) => new(null, reason);
}
