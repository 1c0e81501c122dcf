using Bulwark.CircuitBreaker;

namespace Bulwark.SharedState;

/// <summary>A circuit breaker's state as one instance of a fleet shares it with the others.</summary>
/// <param name="Key">The breaker's key, <c>{pipeline}/{instance}</c> (compared ignoring case).</param>
/// <param name="Origin">The instance that made the transition (<see cref="CircuitBreakerStateSharing.InstanceId"/>).</param>
/// <param name="Snapshot">The breaker's snapshot right after the transition; its <see cref="CircuitBreakerSnapshot.TakenAt"/> orders states.</param>
public sealed record SharedBreakerState(string Key, string Origin, CircuitBreakerSnapshot Snapshot);
