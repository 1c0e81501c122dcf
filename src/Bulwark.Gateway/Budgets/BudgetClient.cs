namespace Bulwark.Gateway.Budgets;

/// <summary>Whom a request counts for: its client key's id, user, team and tier, each <see langword="null"/> when unknown.</summary>
internal readonly record struct BudgetClient(string? KeyId, string? User, string? Team, string? Tier)
{
    /// <summary>The client of a request: its identity on a route that identifies clients, else nobody in particular.</summary>
    public static BudgetClient Of(Clients.ClientIdentity? identity) =>
        identity is null ? default : new(identity.KeyId, identity.User, identity.Team, identity.Tier);
}
