namespace Bulwark.Backoff;

/// <summary>
/// Computes retry delays from a backoff type and a jitter mode.
/// </summary>
/// <remarks>
/// <para>
/// Attempt numbers start at 0 for the first retry. Delays are computed in floating point and clamped, so huge attempt
/// numbers never overflow: every delay is in [0, <see cref="MaxDelay"/>].
/// </para>
/// <para>
/// An instance is immutable and thread-safe as long as its random source is (the default, <see cref="Random.Shared"/>, is).
/// </para>
/// </remarks>
public sealed class BackoffCalculator
{
    private readonly double _baseTicks;
    private readonly double _capTicks;

    /// <summary>
    /// Initializes a new instance of the <see cref="BackoffCalculator"/> class.
    /// </summary>
    /// <param name="backoff">How the un-jittered delay grows.</param>
    /// <param name="jitter">How randomness is applied.</param>
    /// <param name="baseDelay">The delay of the first retry before jitter; zero or more.</param>
    /// <param name="maxDelay">The cap of every delay; zero or more. When smaller than <paramref name="baseDelay"/>, every delay is <paramref name="maxDelay"/> at most.</param>
    /// <param name="exponentialFactor">The growth factor of <see cref="BackoffType.Exponential"/>, in [1, 10]; 2.0 by default.</param>
    /// <param name="randomSource">Returns uniform values in [0, 1); <see cref="BackoffConstants.DefaultRandomSource"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its documented range.</exception>
    public BackoffCalculator(
        BackoffType backoff,
        JitterMode jitter,
        TimeSpan baseDelay,
        TimeSpan maxDelay,
        double exponentialFactor = BackoffConstants.DefaultExponentialFactor,
        Func<double>? randomSource = null)
    {
        if (!Enum.IsDefined(backoff))
        {
            throw new ArgumentOutOfRangeException(nameof(backoff), backoff, "Unknown backoff type.");
        }

        if (!Enum.IsDefined(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "Unknown jitter mode.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);

        // The negated form also rejects NaN.
        if (!(exponentialFactor >= BackoffConstants.MinExponentialFactor && exponentialFactor <= BackoffConstants.MaxExponentialFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(exponentialFactor), exponentialFactor, "The exponential factor must be in [1, 10].");
        }

        Backoff = backoff;
        Jitter = jitter;
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
        ExponentialFactor = exponentialFactor;
        RandomSource = randomSource ?? BackoffConstants.DefaultRandomSource;
        _baseTicks = baseDelay.Ticks;
        _capTicks = maxDelay.Ticks;
    }

    /// <summary>Gets how the un-jittered delay grows.</summary>
    public BackoffType Backoff { get; }

    /// <summary>Gets how randomness is applied.</summary>
    public JitterMode Jitter { get; }

    /// <summary>Gets the delay of the first retry before jitter.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>Gets the cap of every delay.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>Gets the growth factor of <see cref="BackoffType.Exponential"/>.</summary>
    public double ExponentialFactor { get; }

    /// <summary>Gets the random source, returning uniform values in [0, 1).</summary>
    public Func<double> RandomSource { get; }

    /// <summary>
    /// Gets the delay before retry <paramref name="attempt"/>, jitter applied.
    /// </summary>
    /// <param name="attempt">The retry attempt number, 0 for the first retry; negative values count as 0.</param>
    /// <param name="previousDelay">
    /// The delay returned for the previous attempt; only <see cref="JitterMode.Decorrelated"/> uses it,
    /// and zero or less means "no previous delay" (the base delay is used).
    /// </param>
    /// <returns>A delay in [0, <see cref="MaxDelay"/>].</returns>
    public TimeSpan GetDelay(int attempt, TimeSpan previousDelay = default)
    {
        switch (Jitter)
        {
            case JitterMode.Full:
                return ToTimeSpan(NextRandom() * GetTempTicks(attempt));

            case JitterMode.Equal:
                var half = GetTempTicks(attempt) / 2;
                return ToTimeSpan(half + (NextRandom() * half));

            case JitterMode.Decorrelated:
                var previous = previousDelay > TimeSpan.Zero ? previousDelay.Ticks : _baseTicks;
                var upper = Math.Max(_baseTicks, previous * 3.0);
                return ToTimeSpan(_baseTicks + (NextRandom() * (upper - _baseTicks)));

            default:
                return ToTimeSpan(GetTempTicks(attempt));
        }
    }

    /// <summary>
    /// Gets the un-jittered delay before retry <paramref name="attempt"/>, capped at <see cref="MaxDelay"/>
    /// (the <c>temp</c> of the jitter formulas).
    /// </summary>
    /// <param name="attempt">The retry attempt number, 0 for the first retry; negative values count as 0.</param>
    /// <returns>A delay in [0, <see cref="MaxDelay"/>].</returns>
    public TimeSpan GetUnjitteredDelay(int attempt) => ToTimeSpan(GetTempTicks(attempt));

    private double GetTempTicks(int attempt)
    {
        if (_baseTicks == 0)
        {
            return 0;
        }

        attempt = Math.Max(0, attempt);
        double ticks;
        switch (Backoff)
        {
            case BackoffType.Linear:
                ticks = _baseTicks * (attempt + 1.0);
                break;

            case BackoffType.Exponential:
                // Math.Pow saturates to +Infinity; the Math.Min below turns that into the cap.
                ticks = _baseTicks * Math.Pow(ExponentialFactor, attempt);
                break;

            case BackoffType.Fibonacci:
                ticks = FibonacciTicks(attempt);
                break;

            default:
                ticks = _baseTicks;
                break;
        }

        return Math.Min(_capTicks, ticks);
    }

    private double FibonacciTicks(int attempt)
    {
        double current = 1;
        double next = 1;

        // Stop as soon as the cap is reached: the loop runs at most ~90 times whatever the attempt number.
        for (var i = 0; i < attempt && current * _baseTicks < _capTicks; i++)
        {
            (current, next) = (next, current + next);
        }

        return current * _baseTicks;
    }

    private double NextRandom()
    {
        var value = RandomSource();

        // A misbehaving source must not push a delay outside its documented range.
        return value >= 0 ? Math.Min(value, 1.0) : 0;
    }

    private TimeSpan ToTimeSpan(double ticks)
    {
        if (ticks >= _capTicks)
        {
            return MaxDelay;
        }

        return ticks > 0 ? TimeSpan.FromTicks((long)ticks) : TimeSpan.Zero;
    }
}
