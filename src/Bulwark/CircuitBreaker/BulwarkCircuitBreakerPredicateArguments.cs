using Polly;

namespace Bulwark.CircuitBreaker;

/// <summary>Arguments of <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}.ShouldHandle"/>.</summary>
/// <typeparam name="TResult">The type of result.</typeparam>
public readonly struct BulwarkCircuitBreakerPredicateArguments<TResult>
{
    /// <summary>Initializes a new instance of the <see cref="BulwarkCircuitBreakerPredicateArguments{TResult}"/> struct.</summary>
    /// <param name="context">The resilience context of the call.</param>
    /// <param name="outcome">The outcome of the call.</param>
    public BulwarkCircuitBreakerPredicateArguments(ResilienceContext context, Outcome<TResult> outcome)
    {
        Context = context;
        Outcome = outcome;
    }

    /// <summary>Gets the resilience context of the call.</summary>
    public ResilienceContext Context { get; }

    /// <summary>Gets the outcome of the call.</summary>
    public Outcome<TResult> Outcome { get; }
}
