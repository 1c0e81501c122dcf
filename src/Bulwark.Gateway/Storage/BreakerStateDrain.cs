using Bulwark.Persistence;

namespace Bulwark.Gateway.Storage;

/// <summary>Saves the last circuit breaker transitions to the store during a graceful shutdown.</summary>
internal sealed class BreakerStateDrain(CircuitBreakerStatePersistence persistence) : IDrainParticipant
{
    public Task DrainAsync(CancellationToken cancellationToken) => persistence.FlushAsync(cancellationToken);
}
