using Bulwark.CircuitBreaker;

namespace Bulwark.AspNetCore.Health.Readings;

/// <summary>One provider's breaker; <see cref="Health"/> is null while its pipeline is not built yet.</summary>
internal sealed record BreakerReading(string Name, CircuitBreakerHealth? Health)
{
    public bool IsOpen => Health is { } health && HealthJson.IsOpen(health.State);

    public static BreakerReading Read(string name, CircuitBreakerHandle handle) =>
        new(name, handle.IsBound ? handle.GetHealth() : null);
}
