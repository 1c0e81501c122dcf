using Bulwark.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.Persistence;

/// <summary>
/// Restores circuit breakers from the store when the host starts, before it serves, and saves the last transitions when
/// it stops. A store that cannot be read does not stop the host: the breakers start closed, and the error is logged.
/// </summary>
internal sealed partial class CircuitBreakerStateRestorer(CircuitBreakerStatePersistence persistence, ILogger<CircuitBreakerStateRestorer>? logger = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await persistence.RestoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            Log.RestoreFailed(logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => persistence.FlushAsync(cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BreakerRestoreFailed, Level = LogLevel.Error, Message = "Circuit breaker states could not be restored ({Reason}); every breaker starts closed")]
        public static partial void RestoreFailed(ILogger logger, string reason);
    }
}
