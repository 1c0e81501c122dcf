using Bulwark.CircuitBreaker;
using Polly;
using Bulwark.Pipelines;

namespace Bulwark.Failover;

/// <summary>
/// Creates <see cref="FailoverProvider{TResult}"/> instances.
/// </summary>
public static class FailoverProvider
{
    /// <summary>
    /// Creates a provider that is skipped while <paramref name="breaker"/> would reject a call: isolated, open with its break
    /// still running, or half-open with every probe slot taken (<see cref="CircuitBreakerHandle.IsCallPermitted"/>).
    /// An open breaker whose break has elapsed is tried, so that its probe can close it.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="name">The provider's name.</param>
    /// <param name="pipeline">The pipeline that guards calls to this provider, normally holding the breaker.</param>
    /// <param name="breaker">The handle of the provider's breaker; <see langword="null"/> means always available.</param>
    /// <returns>The provider.</returns>
    public static FailoverProvider<TResult> Create<TResult>(string name, ResiliencePipeline<TResult> pipeline, CircuitBreakerHandle? breaker) =>
        new(name, pipeline, breaker is null ? null : () => breaker.IsCallPermitted) { MayPassThrough = PassThroughOf(breaker) };

    /// <summary>In panic, a provider whose breaker is open or half-open is tried; an isolated one never.</summary>
    private static Func<bool>? PassThroughOf(CircuitBreakerHandle? breaker) =>
        breaker is null ? null : () => breaker.State is Polly.CircuitBreaker.CircuitState.Open or Polly.CircuitBreaker.CircuitState.HalfOpen;

    /// <summary>
    /// Creates a provider from an instance of a named pipeline, named after the instance and skipped while its breaker would
    /// reject a call.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="pipeline">The pipeline instance, normally one per provider (<see cref="IBulwarkPipelineProvider.GetPipeline(string, string)"/>).</param>
    /// <returns>The provider.</returns>
    public static FailoverProvider<TResult> Create<TResult>(BulwarkPipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var typed = new ResiliencePipelineBuilder<TResult>().AddPipeline(pipeline.Pipeline).Build();
        var breaker = pipeline.CircuitBreaker;
        return new FailoverProvider<TResult>(pipeline.InstanceName, typed, breaker is null ? null : () => breaker.IsCallPermitted)
        {
            Untyped = pipeline.Pipeline,
            MaxAttempts = pipeline.MaxAttempts,
            Classifier = pipeline.Classifier,
            MayPassThrough = PassThroughOf(breaker),
        };
    }
}
