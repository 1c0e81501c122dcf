using Bulwark.AspNetCore.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>
/// Feeds the aggregate <c>/health</c> endpoint's provider section from provider statistics (health score, latency,
/// error rate, anomaly) instead of breaker state alone. Register it as the <see cref="IBulwarkProviderHealthSource"/>
/// before <c>AddBulwarkHealth</c>.
/// </summary>
/// <param name="statistics">The provider statistics.</param>
public sealed class StatisticsProviderHealthSource(IProviderStatistics statistics) : IBulwarkProviderHealthSource
{
    /// <inheritdoc/>
    public IReadOnlyList<BulwarkProviderHealth> GetProviderHealth() =>
        [.. statistics.Snapshot().Select(s => new BulwarkProviderHealth(
            s.Provider,
            s.Status switch
            {
                "healthy" => HealthStatus.Healthy,
                "degraded" => HealthStatus.Degraded,
                _ => HealthStatus.Unhealthy,
            },
            $"health score {s.HealthScore}, error rate {s.ErrorRate:P1}, anomaly {s.Anomaly}",
            new Dictionary<string, double>
            {
                ["health_score"] = s.HealthScore,
                ["error_rate"] = s.ErrorRate,
                ["latency_p50_ms"] = s.LatencyP50Milliseconds ?? 0,
                ["latency_p95_ms"] = s.LatencyP95Milliseconds ?? 0,
            }))];
}
