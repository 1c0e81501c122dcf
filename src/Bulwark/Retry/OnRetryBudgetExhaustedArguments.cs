namespace Bulwark.Retry;

/// <summary>
/// The arguments of the <c>OnRetryBudgetExhausted</c> telemetry event: the retry budget denied a retry and the strategy
/// returned the outcome of the last attempt.
/// </summary>
public readonly struct OnRetryBudgetExhaustedArguments
{
    /// <summary>
    /// Initializes a new instance of the <see cref="OnRetryBudgetExhaustedArguments"/> struct.
    /// </summary>
    /// <param name="attemptNumber">The number of the last attempt, 0 for the first attempt.</param>
    public OnRetryBudgetExhaustedArguments(int attemptNumber) => AttemptNumber = attemptNumber;

    /// <summary>Gets the number of the last attempt, 0 for the first attempt.</summary>
    public int AttemptNumber { get; }
}
