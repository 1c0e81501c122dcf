using Bulwark.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// Readiness of the store: healthy when it answers; degraded when the gateway runs without it (fail-open), or when a
/// write was refused in the last minute (full, read-only, locked) — it still serves, so readiness stays up, but says so;
/// unhealthy when the store it has stops answering reads, or failed for good while running (its file was deleted,
/// replaced or found corrupt: nothing more is acknowledged). The file's integrity is checked from disk at most once per
/// <see cref="IntegrityCheckInterval"/>.
/// </summary>
internal sealed class StoreHealthCheck(GatewayStore store, TimeProvider timeProvider) : IHealthCheck
{
    /// <summary>How long a refused write keeps readiness degraded.</summary>
    public static readonly TimeSpan RecentWriteFailure = TimeSpan.FromMinutes(1);

    /// <summary>How often readiness runs SQLite's quick_check on the file (it reads every page).</summary>
    public static readonly TimeSpan IntegrityCheckInterval = TimeSpan.FromMinutes(1);

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
                var now = timeProvider.GetUtcNow();
                if (store.LastIntegrityCheck is not { } last || now - last >= IntegrityCheckInterval)
                {
                    store.LastIntegrityCheck = now;
                    await sqlite.CheckIntegrityAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (StoreUnavailableException e)
            {
                store.ReportFailure();
                return HealthCheckResult.Unhealthy(store.Failure?.Message ?? e.Message);
            }
        }

        if (store.LastWriteFailure is { } failed && timeProvider.GetUtcNow() - failed < RecentWriteFailure)
        {
            return HealthCheckResult.Degraded($"A write was refused {(timeProvider.GetUtcNow() - failed).TotalSeconds:0} s ago, so deferrals are being refused: {store.LastWriteFailureReason}");
        }

        return HealthCheckResult.Healthy(store.Description);
    }
}
