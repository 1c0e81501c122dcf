namespace Bulwark.Gateway.Clients;

/// <summary>
/// Who sent a request on a route that identifies its clients, set on the request's features before the rate limiter and
/// forwarding run: per-client limits, the usage ledger (and later budgets) read it.
/// </summary>
/// <param name="KeyId">The gateway-issued key's id, or <see langword="null"/> when the user came from the trusted header.</param>
/// <param name="User">The key's owner, or the user the trusted header named.</param>
/// <param name="Team">The key's team, or <see langword="null"/> from the trusted header.</param>
/// <param name="Tier">The key's tier, or <see langword="null"/> from the trusted header.</param>
internal sealed record ClientIdentity(string? KeyId, string User, string? Team, string? Tier)
{
    /// <summary>Gets what tells this client apart for per-client limits: its key id, else its user.</summary>
    public string LimiterKey { get; } = KeyId is not null ? "id:" + KeyId : "user:" + User;
}
