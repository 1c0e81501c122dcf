using Polly;

namespace Bulwark.Retry;

/// <summary>
/// The arguments of <see cref="BulwarkRetryStrategyOptions{TResult}.OnRetry"/> and of the <c>OnRetry</c> telemetry event.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
public readonly struct OnBulwarkRetryArguments<TResult>
{
    /// <summary>
    /// Initializes a new instance of the <see cref="OnBulwarkRetryArguments{TResult}"/> struct.
    /// </summary>
    /// <param name="context">The context of the execution.</param>
    /// <param name="outcome">The outcome of the attempt being retried.</param>
    /// <param name="attemptNumber">The number of the attempt being retried, 0 for the first attempt.</param>
    /// <param name="retryDelay">The delay before the next attempt.</param>
    /// <param name="duration">How long the attempt being retried took.</param>
    /// <param name="isRetryAfter">Whether <paramref name="retryDelay"/> comes from a Retry-After carried by the outcome.</param>
    public OnBulwarkRetryArguments(ResilienceContext context, Outcome<TResult> outcome, int attemptNumber, TimeSpan retryDelay, TimeSpan duration, bool isRetryAfter)
    {
        Context = context;
        Outcome = outcome;
        AttemptNumber = attemptNumber;
        RetryDelay = retryDelay;
        Duration = duration;
        IsRetryAfter = isRetryAfter;
    }

    /// <summary>Gets the context of the execution.</summary>
    public ResilienceContext Context { get; }

    /// <summary>Gets the outcome of the attempt being retried; a result is disposed after this callback.</summary>
    public Outcome<TResult> Outcome { get; }

    /// <summary>Gets the number of the attempt being retried, 0 for the first attempt.</summary>
    public int AttemptNumber { get; }

    /// <summary>Gets the delay before the next attempt.</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>Gets how long the attempt being retried took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets a value indicating whether <see cref="RetryDelay"/> comes from a Retry-After carried by the outcome (capped by <see cref="BulwarkRetryStrategyOptions{TResult}.MaxRetryAfter"/>).</summary>
    public bool IsRetryAfter { get; }
}
