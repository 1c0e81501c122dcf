using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Health.Checks;

/// <summary>
/// Ready once the host has started: options registered with <c>ValidateOnStart</c> (Bulwark's configuration among them)
/// are validated before <see cref="IHostApplicationLifetime.ApplicationStarted"/> fires, and a host whose configuration
/// is invalid never starts.
/// </summary>
internal sealed class ConfigurationHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lifetime = (IHostApplicationLifetime?)services.GetService(typeof(IHostApplicationLifetime));
        var result = lifetime is null || lifetime.ApplicationStarted.IsCancellationRequested
            ? HealthCheckResult.Healthy("configuration loaded and validated")
            : new HealthCheckResult(context.Registration.FailureStatus, "starting: configuration not validated yet");
        return Task.FromResult(result);
    }
}
