using Bulwark.SharedState;
using Bulwark.Storage.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.Gateway.SharedState;

/// <summary>
/// Readiness of the state shared with the fleet: degraded (still serving: breakers go on locally, per-client limits
/// fail open or closed as configured) while Redis cannot be reached or the last breaker transition could not be shared.
/// </summary>
internal sealed class SharedStateHealthCheck(RedisConnection connection, CircuitBreakerStateSharing sharing) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["provider"] = "Redis",
            ["connected"] = connection.IsConnected,
            ["instanceId"] = sharing.InstanceId,
        };
        if (!connection.IsConnected || !sharing.IsConnected)
        {
            return Task.FromResult(HealthCheckResult.Degraded(
                $"Redis cannot be reached from instance {sharing.InstanceId}: breakers go on locally and per-client limits apply their OnRedisFailure mode until it is back ({sharing.LastError ?? "not connected"}).",
                data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"Breakers and per-client limits are shared on Redis (instance {sharing.InstanceId}).", data));
    }
}
