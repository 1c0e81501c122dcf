using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// Readiness of the store: healthy when it answers; degraded when the gateway runs without it (fail-open) — it still
/// serves, so readiness stays up, but says so; unhealthy when the store it has stops answering.
/// </summary>
internal sealed class StoreHealthCheck(GatewayStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!store.IsAvailable)
        {
            return HealthCheckResult.Degraded($"Running without durable features: {store.UnavailableReason}");
        }

        if (store.Sqlite is { } sqlite)
        {
            try
            {
                await sqlite.PingAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Bulwark.Storage.StoreUnavailableException e)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        }

        return HealthCheckResult.Healthy(store.Description);
    }
}
