using Bulwark.CircuitBreaker;

namespace Bulwark.Gateway.Demo;

/// <summary>One circuit breaker state change seen during the run through the gateway.</summary>
/// <param name="Offset">When, from the start of the run.</param>
/// <param name="Provider">Whose breaker.</param>
/// <param name="Transition">The change.</param>
internal readonly record struct BreakerTransition(TimeSpan Offset, string Provider, CircuitTransition Transition);
