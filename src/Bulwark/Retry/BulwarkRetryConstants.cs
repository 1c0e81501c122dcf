using Bulwark.Backoff;

namespace Bulwark.Retry;

/// <summary>
/// Default values, ranges and telemetry event names of the Bulwark retry strategy.
/// </summary>
internal static class BulwarkRetryConstants
{
    /// <summary>The default strategy name: <c>BulwarkRetry</c>.</summary>
    public const string DefaultName = "BulwarkRetry";

    /// <summary>The default number of retries after the first attempt: 3.</summary>
    public const int DefaultMaxRetries = 3;

    /// <summary>The largest allowed <see cref="BulwarkRetryStrategyOptions{TResult}.MaxRetries"/>: 100.</summary>
    public const int MaxRetriesLimit = 100;

    /// <summary>The default backoff: <see cref="BackoffType.Exponential"/>.</summary>
    public const BackoffType DefaultBackoff = BackoffType.Exponential;

    /// <summary>The default jitter: <see cref="JitterMode.Full"/>.</summary>
    public const JitterMode DefaultJitter = JitterMode.Full;

    /// <summary>The default exponential growth factor: 2.0.</summary>
    public const double DefaultExponentialFactor = BackoffConstants.DefaultExponentialFactor;

    /// <summary>Whether a Retry-After carried by the outcome replaces the backoff by default: <see langword="true"/>.</summary>
    public const bool DefaultHonorRetryAfter = true;

    /// <summary>The telemetry event reported before each retry: <c>OnRetry</c>.</summary>
    public const string OnRetryEvent = "OnRetry";

    /// <summary>The telemetry event reported when the retry budget denies a retry: <c>OnRetryBudgetExhausted</c>.</summary>
    public const string OnRetryBudgetExhaustedEvent = "OnRetryBudgetExhausted";

    /// <summary>The telemetry event reported for an attempt (Polly's name, so Polly.Extensions records its duration): <c>ExecutionAttempt</c>.</summary>
    public const string ExecutionAttemptEvent = "ExecutionAttempt";

    /// <summary>Gets the default base delay: 100 milliseconds.</summary>
    public static TimeSpan DefaultBaseDelay { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the default maximum delay: 30 seconds.</summary>
    public static TimeSpan DefaultMaxDelay { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the default cap of a Retry-After delay: 30 seconds.</summary>
    public static TimeSpan DefaultMaxRetryAfter { get; } = TimeSpan.FromSeconds(30);
}
