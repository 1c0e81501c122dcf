using Polly;
using Polly.Retry;

namespace Bulwark.Backoff;

/// <summary>
/// Exposes <see cref="BackoffCalculator"/> as a delay generator for Polly's own <see cref="RetryStrategyOptions{TResult}"/>.
/// </summary>
/// <example>
/// <code>
/// var options = new RetryStrategyOptions&lt;HttpResponseMessage&gt;
/// {
///     DelayGenerator = BackoffDelayGenerator.Create&lt;HttpResponseMessage&gt;(
///         BackoffType.Exponential, JitterMode.Full, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30)),
/// };
/// </code>
/// </example>
public static class BackoffDelayGenerator
{
    private static int s_generatorCount;

    /// <summary>
    /// Creates a delay generator for <see cref="RetryStrategyOptions{TResult}.DelayGenerator"/>.
    /// </summary>
    /// <typeparam name="TResult">The result type of the retry strategy.</typeparam>
    /// <param name="backoff">How the un-jittered delay grows.</param>
    /// <param name="jitter">How randomness is applied.</param>
    /// <param name="baseDelay">The delay of the first retry before jitter; zero or more.</param>
    /// <param name="maxDelay">The cap of every delay; zero or more.</param>
    /// <param name="exponentialFactor">The growth factor of <see cref="BackoffType.Exponential"/>, in [1, 10]; 2.0 by default.</param>
    /// <param name="randomSource">Returns uniform values in [0, 1); <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    /// <returns>A generator that never returns <see langword="null"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its documented range.</exception>
    public static Func<RetryDelayGeneratorArguments<TResult>, ValueTask<TimeSpan?>> Create<TResult>(
        BackoffType backoff,
        JitterMode jitter,
        TimeSpan baseDelay,
        TimeSpan maxDelay,
        double exponentialFactor = BackoffConstants.DefaultExponentialFactor,
        Func<double>? randomSource = null)
        => Create<TResult>(new BackoffCalculator(backoff, jitter, baseDelay, maxDelay, exponentialFactor, randomSource));

    /// <summary>
    /// Creates a delay generator for <see cref="RetryStrategyOptions{TResult}.DelayGenerator"/> from a calculator.
    /// </summary>
    /// <typeparam name="TResult">The result type of the retry strategy.</typeparam>
    /// <param name="calculator">The calculator that computes each delay.</param>
    /// <returns>A generator that never returns <see langword="null"/>.</returns>
    /// <remarks>
    /// For <see cref="JitterMode.Decorrelated"/>, the previous delay of an execution is kept in its
    /// <see cref="ResilienceContext.Properties"/>, so each execution has its own sequence.
    /// </remarks>
    public static Func<RetryDelayGeneratorArguments<TResult>, ValueTask<TimeSpan?>> Create<TResult>(BackoffCalculator calculator)
    {
        ArgumentNullException.ThrowIfNull(calculator);

        if (calculator.Jitter != JitterMode.Decorrelated)
        {
            return args => new ValueTask<TimeSpan?>(calculator.GetDelay(args.AttemptNumber));
        }

        // One key per generator, so two generators in one pipeline do not share a sequence.
        var key = new ResiliencePropertyKey<TimeSpan>(
            "Bulwark.Backoff.PreviousDelay." + Interlocked.Increment(ref s_generatorCount).ToString(System.Globalization.CultureInfo.InvariantCulture));

        return args =>
        {
            var properties = args.Context.Properties;
            var previous = args.AttemptNumber > 0 && properties.TryGetValue(key, out var stored) ? stored : TimeSpan.Zero;
            var delay = calculator.GetDelay(args.AttemptNumber, previous);
            properties.Set(key, delay);
            return new ValueTask<TimeSpan?>(delay);
        };
    }
}
