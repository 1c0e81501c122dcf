using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Health.Checks;

/// <summary>Degraded while any provider is not healthy; never unhealthy (failover exists to serve around it).</summary>
internal sealed class ProvidersHealthCheck(IBulwarkProviderHealthSource source) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var providers = source.GetProviderHealth();
        var unwell = 0;
        foreach (var provider in providers)
        {
            unwell += provider.Status == HealthStatus.Healthy ? 0 : 1;
        }

        var data = new Dictionary<string, object> { [BulwarkHealthConstants.DataKey] = providers };
        return Task.FromResult(unwell == 0
            ? HealthCheckResult.Healthy($"{providers.Count} provider(s), all healthy", data)
            : HealthCheckResult.Degraded($"{unwell} of {providers.Count} provider(s) not healthy", data: data));
    }
}
