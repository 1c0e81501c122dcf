using Bulwark.Gateway.Configuration;
using Bulwark.Storage;
using Bulwark.Storage.Sqlite;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// Runs SQLite's quick_check on the store's file every <see cref="GatewayStorageOptions.IntegrityCheckInterval"/>, off the
/// request and probe threads (it reads every page, synchronously): a file that fails puts the store in its failed state,
/// which readiness then reports. Also says, once, when the file identity check is not available on this platform.
/// </summary>
internal sealed class StoreIntegrityMonitor(GatewayStore store, TimeSpan interval, TimeProvider timeProvider, ILogger<StoreIntegrityMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Sqlite is not { } sqlite)
        {
            return;
        }

        bool toldCheckOff = false;
        using var timer = new PeriodicTimer(interval, timeProvider);
        while (true)
        {
            if (store.Failure is not null)
            {
                return;
            }

            try
            {
                await Task.Run(() => sqlite.CheckIntegrityAsync(stoppingToken), stoppingToken).ConfigureAwait(false);
                store.LastIntegrityCheck = timeProvider.GetUtcNow();
            }
            catch (StoreUnavailableException e)
            {
                if (store.Failure is not null)
                {
                    store.ReportFailure();
                    return;
                }

                StoreLog.IntegrityCheckFailed(logger, e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (!toldCheckOff && SqliteBulwarkStore.FileIdentityCheckUnavailable)
            {
                toldCheckOff = true;
                StoreLog.FileCheckOff(logger);
            }

            try
            {
                if (!await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The host stops (or is disposed without a stop): not a fault.
                return;
            }
        }
    }
}
