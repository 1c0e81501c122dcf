using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Health.Checks;

/// <summary>The process answers: liveness never looks at dependencies.</summary>
internal sealed class SelfHealthCheck : IHealthCheck
{
    private static readonly Task<HealthCheckResult> Live = Task.FromResult(HealthCheckResult.Healthy("the process is running"));

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Live;
}
