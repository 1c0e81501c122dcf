using Microsoft.Extensions.Hosting;

namespace Bulwark.SharedState;

/// <summary>Starts <see cref="CircuitBreakerStateSharing"/> with the application and publishes what is pending at shutdown.</summary>
internal sealed class CircuitBreakerSharingHost(CircuitBreakerStateSharing sharing) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => sharing.StartAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await sharing.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
