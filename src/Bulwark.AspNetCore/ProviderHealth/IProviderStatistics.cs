namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>
/// Per-provider statistics built from attempts: recent latency percentiles, EWMA latency, error rate, anomaly state and
/// a 0–100 health score. Thread-safe.
/// </summary>
public interface IProviderStatistics
{
    /// <summary>Records one attempt that reached a provider.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="duration">How long the attempt took.</param>
    /// <param name="success">Whether it succeeded.</param>
    void Record(string provider, TimeSpan duration, bool success);

    /// <summary>Reads every provider: those of the <see cref="Providers.IBulwarkProviderCatalog"/> first, in its order, then any other that has recorded attempts, by name.</summary>
    /// <returns>One reading per provider.</returns>
    IReadOnlyList<ProviderStatisticsSnapshot> Snapshot();
}
