using Bulwark.AspNetCore.Health.Readings;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Health.Checks;

/// <summary>Degraded while any bulkhead has rejected calls since the previous sample: it is shedding load.</summary>
internal sealed class BulkheadsHealthCheck(BulkheadRateTracker tracker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var readings = tracker.Read();
        var rejecting = 0;
        foreach (var reading in readings)
        {
            rejecting += reading.RejectionRate > 0 ? 1 : 0;
        }

        var data = new Dictionary<string, object> { [BulwarkHealthConstants.DataKey] = readings };
        return Task.FromResult(rejecting == 0
            ? HealthCheckResult.Healthy($"{readings.Count} bulkhead(s), none rejecting", data)
            : HealthCheckResult.Degraded($"{rejecting} of {readings.Count} bulkhead(s) rejecting calls", data: data));
    }
}
