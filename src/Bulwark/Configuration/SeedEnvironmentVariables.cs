using System.Globalization;
using Bulwark.Backoff;
using Bulwark.CircuitBreaker;
using Bulwark.Retry;

namespace Bulwark.Configuration;

/// <summary>
/// Maps the environment variables that hand-written retry and breaker layers commonly use onto the <c>default</c> pipeline,
/// so a service can adopt Bulwark without renaming its settings. A variable that is present wins over the file.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>RETRY_MAX_ATTEMPTS</term><description>attempts in all, first included: <c>Retry:MaxRetries</c> = value − 1.</description></item>
/// <item><term>RETRY_BASE_DELAY, RETRY_MAX_DELAY</term><description>seconds: <c>Retry:BaseDelay</c>, <c>Retry:MaxDelay</c>.</description></item>
/// <item><term>RETRY_EXPONENTIAL_BASE</term><description><c>Retry:ExponentialFactor</c>.</description></item>
/// <item><term>RETRY_JITTER</term><description>true: <c>Retry:Jitter</c> Full; false: None.</description></item>
/// <item><term>RESILIENCE_RETRY_ENABLED, RESILIENCE_CIRCUIT_BREAKER_ENABLED</term><description>false removes the strategy.</description></item>
/// <item><term>CIRCUIT_BREAKER_FAILURE_THRESHOLD</term><description><c>CircuitBreaker:FailureThreshold</c>; the mode becomes ConsecutiveFailures unless the file sets a mode.</description></item>
/// <item><term>CIRCUIT_BREAKER_SUCCESS_THRESHOLD</term><description><c>CircuitBreaker:SuccessThreshold</c>.</description></item>
/// <item><term>CIRCUIT_BREAKER_TIMEOUT</term><description>seconds: <c>CircuitBreaker:BreakDuration</c> (and MaxBreakDuration raised to it if lower).</description></item>
/// <item><term>CIRCUIT_BREAKER_HALF_OPEN_MAX_CALLS</term><description><c>CircuitBreaker:HalfOpenMaxCalls</c>.</description></item>
/// </list>
/// </remarks>
internal static class SeedEnvironmentVariables
{
    public static readonly string[] Names =
    [
        "RETRY_MAX_ATTEMPTS", "RETRY_BASE_DELAY", "RETRY_MAX_DELAY", "RETRY_EXPONENTIAL_BASE", "RETRY_JITTER",
        "RESILIENCE_RETRY_ENABLED", "RESILIENCE_CIRCUIT_BREAKER_ENABLED",
        "CIRCUIT_BREAKER_FAILURE_THRESHOLD", "CIRCUIT_BREAKER_SUCCESS_THRESHOLD", "CIRCUIT_BREAKER_TIMEOUT", "CIRCUIT_BREAKER_HALF_OPEN_MAX_CALLS",
    ];

    public static void Apply(BulwarkOptions options, Func<string, string?> environment, bool modeSetInFile)
    {
        if (!Names.Any(n => environment(n) is not null))
        {
            return;
        }

        var errors = options.ConfigurationErrors;
        if (!options.Pipelines.TryGetValue(BulwarkOptions.DefaultPipelineName, out var pipeline) || pipeline is null)
        {
            pipeline = new BulwarkPipelineOptions();
            options.Pipelines[BulwarkOptions.DefaultPipelineName] = pipeline;
        }

        if (Bool(environment, "RESILIENCE_RETRY_ENABLED", errors) == false)
        {
            pipeline.Retry = null;
        }
        else if (Names.Take(5).Any(n => environment(n) is not null))
        {
            var retry = pipeline.Retry ??= new BulwarkRetryStrategyOptions();
            if (Int(environment, "RETRY_MAX_ATTEMPTS", 1, errors) is { } attempts)
            {
                retry.MaxRetries = attempts - 1;
            }

            if (Seconds(environment, "RETRY_BASE_DELAY", errors) is { } baseDelay)
            {
                retry.BaseDelay = baseDelay;
            }

            if (Seconds(environment, "RETRY_MAX_DELAY", errors) is { } maxDelay)
            {
                retry.MaxDelay = maxDelay;
            }

            if (Double(environment, "RETRY_EXPONENTIAL_BASE", errors) is { } factor)
            {
                retry.ExponentialFactor = factor;
            }

            if (Bool(environment, "RETRY_JITTER", errors) is { } jitter)
            {
                retry.Jitter = jitter ? JitterMode.Full : JitterMode.None;
            }
        }

        if (Bool(environment, "RESILIENCE_CIRCUIT_BREAKER_ENABLED", errors) == false)
        {
            pipeline.CircuitBreaker = null;
        }
        else if (Names.Skip(7).Any(n => environment(n) is not null))
        {
            var breaker = pipeline.CircuitBreaker ??= new BulwarkCircuitBreakerStrategyOptions();
            if (Int(environment, "CIRCUIT_BREAKER_FAILURE_THRESHOLD", 1, errors) is { } threshold)
            {
                breaker.FailureThreshold = threshold;
                if (!modeSetInFile)
                {
                    breaker.Mode = CircuitBreakerMode.ConsecutiveFailures;
                }
            }

            if (Int(environment, "CIRCUIT_BREAKER_SUCCESS_THRESHOLD", 1, errors) is { } successes)
            {
                breaker.SuccessThreshold = successes;
            }

            if (Seconds(environment, "CIRCUIT_BREAKER_TIMEOUT", errors) is { } breakDuration)
            {
                breaker.BreakDuration = breakDuration;
                if (breaker.MaxBreakDuration < breakDuration)
                {
                    breaker.MaxBreakDuration = breakDuration;
                }
            }

            if (Int(environment, "CIRCUIT_BREAKER_HALF_OPEN_MAX_CALLS", 1, errors) is { } probes)
            {
                breaker.HalfOpenMaxCalls = probes;
            }
        }
    }

    private static int? Int(Func<string, string?> environment, string name, int minimum, List<string> errors)
    {
        if (environment(name) is not { } raw)
        {
            return null;
        }

        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum)
        {
            return value;
        }

        errors.Add($"{name} (environment): '{raw}' is not a whole number of at least {minimum}.");
        return null;
    }

    private static double? Double(Func<string, string?> environment, string name, List<string> errors)
    {
        if (environment(name) is not { } raw)
        {
            return null;
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
        {
            return value;
        }

        errors.Add($"{name} (environment): '{raw}' is not a number.");
        return null;
    }

    private static TimeSpan? Seconds(Func<string, string?> environment, string name, List<string> errors)
    {
        if (environment(name) is not { } raw)
        {
            return null;
        }

        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds <= TimeSpan.FromDays(1).TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        errors.Add($"{name} (environment): '{raw}' is not a number of seconds between 0 and 86400.");
        return null;
    }

    private static bool? Bool(Func<string, string?> environment, string name, List<string> errors)
    {
        if (environment(name) is not { } raw)
        {
            return null;
        }

        switch (raw.Trim().ToUpperInvariant())
        {
            case "TRUE" or "1" or "YES" or "ON":
                return true;
            case "FALSE" or "0" or "NO" or "OFF":
                return false;
            default:
                errors.Add($"{name} (environment): '{raw}' is not a boolean; use true or false.");
                return null;
        }
    }
}
