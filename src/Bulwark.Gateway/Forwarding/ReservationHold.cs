using Bulwark.Gateway.Budgets;
using Bulwark.Storage.Budgets;

namespace Bulwark.Gateway.Forwarding;

/// <summary>What holding a reservation came to: its stored lease, or the fleet's refusal, or the store's failure.</summary>
/// <param name="Lease">The stored lease when held on the store and (in a fleet) the fleet's counters.</param>
/// <param name="FleetRefusal">The fleet's counters refused it (or could not be reached, failing closed).</param>
/// <param name="StoreFailed">The lease could not be stored.</param>
internal readonly record struct ReservationHold(BudgetLease? Lease, BudgetFleetRefusal? FleetRefusal, bool StoreFailed);
