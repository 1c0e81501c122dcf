namespace Bulwark.CircuitBreaker;

/// <summary>Arguments of <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}.BreakDurationGenerator"/>.</summary>
public readonly struct BreakDurationGeneratorArguments
{
    /// <summary>Initializes a new instance of the <see cref="BreakDurationGeneratorArguments"/> struct.</summary>
    /// <param name="tripCount">Consecutive trips without a close, this one included (1 for the first).</param>
    /// <param name="baseDuration">The configured <c>BreakDuration</c>.</param>
    /// <param name="failureRate">The window's failure rate when the breaker opened.</param>
    public BreakDurationGeneratorArguments(int tripCount, TimeSpan baseDuration, double failureRate)
    {
        TripCount = tripCount;
        BaseDuration = baseDuration;
        FailureRate = failureRate;
    }

    /// <summary>Gets the consecutive trips without a close, this one included (1 for the first).</summary>
    public int TripCount { get; }

    /// <summary>Gets the configured <c>BreakDuration</c>.</summary>
    public TimeSpan BaseDuration { get; }

    /// <summary>Gets the window's failure rate when the breaker opened (0 for a reopen after a failed probe).</summary>
    public double FailureRate { get; }
}
