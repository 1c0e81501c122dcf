using Polly;

namespace Bulwark.Retry;

/// <summary>
/// The arguments of <see cref="BulwarkRetryStrategyOptions{TResult}.ShouldHandle"/>.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public readonly struct BulwarkRetryPredicateArguments<TResult>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="BulwarkRetryPredicateArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="context">The context of the execution.</param>
    /// <param name="outcome">The outcome of the attempt.</param>
    /// <param name="attemptNumber">The attempt number, 0 for the first attempt.</param>
    public BulwarkRetryPredicateArguments(ResilienceContext context, Outcome<TResult> outcome, int attemptNumber)
    {
        Context = context;
        Outcome = outcome;
        AttemptNumber = attemptNumber;
    }

    /// <summary>Gets the context of the execution; its <see cref="ResilienceContext.CancellationToken"/> is the caller's token.</summary>
    public ResilienceContext Context { get; }

    /// <summary>Gets the outcome of the attempt.</summary>
    public Outcome<TResult> Outcome { get; }

    /// <summary>Gets the attempt number, 0 for the first attempt.</summary>
    public int AttemptNumber { get; }
}
