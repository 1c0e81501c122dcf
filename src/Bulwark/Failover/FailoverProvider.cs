using Bulwark.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Failover;

/// <summary>
/// Creates <see cref="FailoverProvider{TResult}"/> instances.
/// </summary>
public static class FailoverProvider
{
    /// <summary>
    /// Creates a provider that is skipped while <paramref name="breaker"/> reports <see cref="CircuitState.Open"/> or
    /// <see cref="CircuitState.Isolated"/>.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The provider's name.</param>
    /// <param name="pipeline">The pipeline that guards calls to this provider, normally holding the breaker.</param>
    /// <param name="breaker">The handle of the provider's breaker; <see langword="null"/> means always available.</param>
    /// <returns>The provider.</returns>
    public static FailoverProvider<TResult> Create<TResult>(string name, ResiliencePipeline<TResult> pipeline, CircuitBreakerHandle? breaker) =>
        new(name, pipeline, breaker is null ? null : () => breaker.State is not (CircuitState.Open or CircuitState.Isolated));
}
