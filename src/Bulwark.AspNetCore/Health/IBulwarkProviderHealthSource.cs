namespace Bulwark.AspNetCore.Health;

/// <summary>
/// Judges each provider's health for <c>/health</c>. The default judges from the circuit breakers (closed: healthy,
/// half-open: degraded, open or isolated: unhealthy); register another singleton (for example one fed by request
/// statistics) to replace it.
/// </summary>
public interface IBulwarkProviderHealthSource
{
    /// <summary>Reads every provider's health now.</summary>
    /// <returns>One entry per provider, in a stable order.</returns>
    IReadOnlyList<BulwarkProviderHealth> GetProviderHealth();
}
