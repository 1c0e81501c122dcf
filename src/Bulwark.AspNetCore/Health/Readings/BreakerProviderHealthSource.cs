using Bulwark.AspNetCore.Providers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;

namespace Bulwark.AspNetCore.Health.Readings;

/// <summary>The default provider health: judged from each provider's circuit breaker.</summary>
internal sealed class BreakerProviderHealthSource(IBulwarkProviderCatalog catalog) : IBulwarkProviderHealthSource
{
    public IReadOnlyList<BulwarkProviderHealth> GetProviderHealth()
    {
        var result = new List<BulwarkProviderHealth>(catalog.Providers.Count);
        foreach (var provider in catalog.Providers)
        {
            if (provider.CircuitBreaker is not { IsBound: true } breaker)
            {
                result.Add(new(provider.Name, HealthStatus.Healthy, provider.CircuitBreaker is null ? "no circuit breaker" : "not called yet"));
                continue;
            }

            var health = breaker.GetHealth();
            var (status, description) = health.State switch
            {
                CircuitState.Closed => (HealthStatus.Healthy, "circuit closed"),
                CircuitState.HalfOpen => (HealthStatus.Degraded, "circuit half-open: probing"),
                CircuitState.Isolated => (HealthStatus.Unhealthy, "circuit isolated by an operator"),
                _ => (HealthStatus.Unhealthy, "circuit open"),
            };
            result.Add(new(provider.Name, status, description, new Dictionary<string, double>
            {
                ["failure_rate"] = Math.Round(health.FailureRate, 4),
                ["window_calls"] = health.WindowCalls,
            }));
        }

        return result;
    }
}
