using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// Readiness of the store: healthy when it answers; degraded when the gateway runs without it (fail-open), or when a
/// write was refused in the last minute (full, read-only, locked) — it still serves, so readiness stays up, but says so;
/// unhealthy when the store it has stops answering reads (a PostgreSQL server unreachable or timing out: ready again once
/// it answers), or failed for good while running (its file was deleted,
/// replaced or found corrupt: nothing more is acknowledged). The probe itself only pings; the file's integrity is checked
/// from disk once per <see cref="GatewayStorageOptions.IntegrityCheckInterval"/> by <see cref="StoreIntegrityMonitor"/>, whose verdict (the
/// store's failure) it reads.
/// </summary>
internal sealed class StoreHealthCheck(GatewayStore store, TimeProvider timeProvider) : IHealthCheck
{
    /// <summary>How long a refused write keeps readiness degraded.</summary>
    public static readonly TimeSpan RecentWriteFailure = TimeSpan.FromMinutes(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!store.IsAvailable)
        {
            return HealthCheckResult.Degraded($"Running without durable features: {store.UnavailableReason}");
        }

        if (await store.ProbeAsync(cancellationToken).ConfigureAwait(false) is { } unanswered)
        {
            return HealthCheckResult.Unhealthy(unanswered);
        }

        if (store.LastWriteFailure is { } failed && timeProvider.GetUtcNow() - failed < RecentWriteFailure)
        {
            return HealthCheckResult.Degraded($"A write was refused {(timeProvider.GetUtcNow() - failed).TotalSeconds:0} s ago, so deferrals are being refused: {store.LastWriteFailureReason}");
        }

        return HealthCheckResult.Healthy(store.Description);
    }
}
