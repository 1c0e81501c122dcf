namespace Bulwark.Storage.Budgets;

/// <summary>
/// A budgeted request in flight, stored before it is sent: what its budgets reserved for it and whom it counts for. The
/// ledger row that settles the request deletes it; one left behind by a process that stopped is charged in full.
/// </summary>
/// <param name="Id">The lease's id, unique.</param>
/// <param name="Time">When the reservation was made.</param>
/// <param name="ClientKeyId">The client key's id, or <see langword="null"/>.</param>
/// <param name="User">The client's user, or <see langword="null"/>.</param>
/// <param name="Team">The client key's team, or <see langword="null"/>.</param>
/// <param name="Tier">The client key's tier, or <see langword="null"/>.</param>
/// <param name="Route">The route template.</param>
/// <param name="Model">The model the client asked for, or <see langword="null"/>.</param>
/// <param name="Tokens">The tokens reserved (prompt bound plus the output cap); 0 or more.</param>
/// <param name="Cost">The cost reserved, or <see langword="null"/> when no budget of the request counts cost.</param>
public sealed record BudgetLease(
    string Id,
    DateTimeOffset Time,
    string? ClientKeyId,
    string? User,
    string? Team,
    string? Tier,
    string Route,
    string? Model,
    long Tokens,
    decimal? Cost);
