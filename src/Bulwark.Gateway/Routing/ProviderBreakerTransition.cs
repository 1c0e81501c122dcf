using Bulwark.CircuitBreaker;

namespace Bulwark.Gateway.Routing;

/// <summary>One state change of a provider's circuit breaker.</summary>
internal sealed record ProviderBreakerTransition(string Provider, CircuitTransition Transition);
