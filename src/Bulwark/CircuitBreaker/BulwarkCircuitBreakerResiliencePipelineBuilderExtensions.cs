using System.ComponentModel.DataAnnotations;
using Bulwark.CircuitBreaker;

namespace Polly;

/// <summary>Adds the Bulwark circuit breaker to Polly pipeline builders.</summary>
public static class BulwarkCircuitBreakerResiliencePipelineBuilderExtensions
{
    /// <summary>Adds a Bulwark circuit breaker to a non-generic pipeline.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The breaker's options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public static ResiliencePipelineBuilder AddBulwarkCircuitBreaker(this ResiliencePipelineBuilder builder, BulwarkCircuitBreakerStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        CircuitBreakerOptionsValidator.ThrowIfInvalid(options);
        return builder.AddStrategy(context => new BulwarkCircuitBreakerResilienceStrategy<object>(options, context.TimeProvider, context.Telemetry), options);
    }

    /// <summary>Adds a Bulwark circuit breaker to a generic pipeline.</summary>
    /// <typeparam name="TResult">The pipeline's result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The breaker's options.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddBulwarkCircuitBreaker<TResult>(this ResiliencePipelineBuilder<TResult> builder, BulwarkCircuitBreakerStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        CircuitBreakerOptionsValidator.ThrowIfInvalid(options);
        return builder.AddStrategy(context => new BulwarkCircuitBreakerResilienceStrategy<TResult>(options, context.TimeProvider, context.Telemetry), options);
    }
}
