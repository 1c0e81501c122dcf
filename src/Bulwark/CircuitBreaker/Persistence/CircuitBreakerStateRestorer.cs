using Microsoft.Extensions.Hosting;

namespace Bulwark.CircuitBreaker.Persistence;

/// <summary>Restores circuit breakers from the store when the host starts, before it serves, and saves the last transitions when it stops.</summary>
internal sealed class CircuitBreakerStateRestorer(CircuitBreakerStatePersistence persistence) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => persistence.RestoreAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => persistence.FlushAsync(cancellationToken);
}
