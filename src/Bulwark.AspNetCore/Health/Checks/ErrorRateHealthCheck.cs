using Bulwark.AspNetCore.ErrorRate;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Health.Checks;

/// <summary>Degraded when the window's error rate reaches the configured percentage; never unhealthy.</summary>
internal sealed class ErrorRateHealthCheck(BulwarkErrorRateTracker tracker, IOptions<BulwarkHealthOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = tracker.GetSnapshot();
        var data = new Dictionary<string, object> { [BulwarkHealthConstants.DataKey] = snapshot };
        var value = options.Value;
        var degraded = snapshot.TotalRequests >= value.ErrorRateMinimumRequests && snapshot.ErrorRatePercent >= value.ErrorRateDegradedPercent;
        var description = $"{snapshot.ErrorRatePercent}% errors over {snapshot.TotalRequests} request(s)";
        return Task.FromResult(degraded ? HealthCheckResult.Degraded(description, data: data) : HealthCheckResult.Healthy(description, data));
    }
}
