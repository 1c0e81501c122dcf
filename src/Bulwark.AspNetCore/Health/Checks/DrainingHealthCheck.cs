using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Health.Checks;

internal sealed class DrainingHealthCheck(BulwarkReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsDraining
            ? new HealthCheckResult(context.Registration.FailureStatus, "draining: not taking new requests")
            : HealthCheckResult.Healthy("not draining"));
}
