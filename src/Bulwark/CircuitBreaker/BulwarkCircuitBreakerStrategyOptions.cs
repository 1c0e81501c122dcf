namespace Bulwark.CircuitBreaker;

/// <summary>
/// Options of the Bulwark circuit breaker for non-generic pipelines, where every result type is seen as <see cref="object"/>.
/// </summary>
public class BulwarkCircuitBreakerStrategyOptions : BulwarkCircuitBreakerStrategyOptions<object>
{
}
