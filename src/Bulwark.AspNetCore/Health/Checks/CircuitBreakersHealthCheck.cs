using Bulwark.AspNetCore.Health.Readings;
using Bulwark.AspNetCore.Providers;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Health.Checks;

/// <summary>Degraded while any breaker is open or isolated; never unhealthy (the application still answers).</summary>
internal sealed class CircuitBreakersHealthCheck(IBulwarkProviderCatalog catalog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var readings = new List<BreakerReading>();
        var open = 0;
        foreach (var provider in catalog.Providers)
        {
            if (provider.CircuitBreaker is { } breaker)
            {
                var reading = BreakerReading.Read(provider.Name, breaker);
                open += reading.IsOpen ? 1 : 0;
                readings.Add(reading);
            }
        }

        var data = new Dictionary<string, object> { [BulwarkHealthConstants.DataKey] = readings };
        return Task.FromResult(open == 0
            ? HealthCheckResult.Healthy($"{readings.Count} circuit breaker(s), none open", data)
            : HealthCheckResult.Degraded($"{open} of {readings.Count} circuit breaker(s) open", data: data));
    }
}
