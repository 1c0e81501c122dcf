using System.Globalization;
using Bulwark.Backoff;
using Bulwark.CircuitBreaker;
using Bulwark.Retry;

namespace Bulwark.Configuration;

/// <summary>
/// Maps the environment variables that hand-written retry and breaker layers commonly use onto the pipelines, so a
/// service can adopt Bulwark without renaming its settings. A variable that is present wins over the file. Unprefixed,
/// a variable applies to every pipeline (the <c>default</c> one created if the file has none);
/// <c>BULWARK_PIPELINE_{NAME}_{VARIABLE}</c> applies to the pipeline whose name, upper-cased with every character other
/// than a letter or digit made <c>_</c>, is <c>{NAME}</c>, and wins over the unprefixed one. What each variable changed
/// is kept (<see cref="BulwarkOptions.GetEnvironmentOverrides"/>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>RESILIENCE_ENABLED</term><description>false removes retries and circuit breakers (whatever else says).</description></item>
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
    /// <summary>The prefix that aims a variable at one pipeline: <c>BULWARK_PIPELINE_UPLOADS_RETRY_MAX_ATTEMPTS</c>.</summary>
    public const string PipelinePrefix = "BULWARK_PIPELINE_";

    /// <summary>The master switch: false turns retries and breakers off in every pipeline.</summary>
    public const string MasterSwitch = "RESILIENCE_ENABLED";

    public static readonly string[] Names =
    [
        "RETRY_MAX_ATTEMPTS", "RETRY_BASE_DELAY", "RETRY_MAX_DELAY", "RETRY_EXPONENTIAL_BASE", "RETRY_JITTER",
        "RESILIENCE_RETRY_ENABLED", "RESILIENCE_CIRCUIT_BREAKER_ENABLED",
        "CIRCUIT_BREAKER_FAILURE_THRESHOLD", "CIRCUIT_BREAKER_SUCCESS_THRESHOLD", "CIRCUIT_BREAKER_TIMEOUT", "CIRCUIT_BREAKER_HALF_OPEN_MAX_CALLS",
    ];

    /// <summary>Every variable name read, the master switch included.</summary>
    public static readonly string[] AllNames = [MasterSwitch, .. Names];

    /// <summary>The <c>{NAME}</c> of a pipeline in its prefixed variables: upper case, anything but a letter or digit made <c>_</c>.</summary>
    public static string KeyOf(string pipeline)
    {
        var key = new char[pipeline.Length];
        for (int i = 0; i < pipeline.Length; i++)
        {
            char c = char.ToUpperInvariant(pipeline[i]);
            key[i] = c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') ? c : '_';
        }

        return new string(key);
    }

    public static void Apply(BulwarkOptions options, Func<string, string?> environment, Func<string, bool> modeSetInFile)
    {
        bool anyGlobal = AllNames.Any(n => environment(n) is not null);
        bool anyPrefixed = options.Pipelines.Keys.Any(p => AllNames.Any(n => environment(PipelinePrefix + KeyOf(p) + "_" + n) is not null));
        if (!anyGlobal && !anyPrefixed)
        {
            return;
        }

        if (anyGlobal && (!options.Pipelines.TryGetValue(BulwarkOptions.DefaultPipelineName, out var existing) || existing is null))
        {
            options.Pipelines[BulwarkOptions.DefaultPipelineName] = new BulwarkPipelineOptions();
        }

        // Every variable present, with the pipelines it changed (none yet).
        var changed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string name in AllNames)
        {
            if (environment(name) is not null)
            {
                changed[name] = [];
            }
        }

        foreach (var (name, pipeline) in options.Pipelines.OrderBy(static p => p.Key, StringComparer.Ordinal).ToList())
        {
            if (pipeline is null)
            {
                continue;
            }

            string prefix = PipelinePrefix + KeyOf(name) + "_";
            foreach (string variable in AllNames)
            {
                if (environment(prefix + variable) is not null)
                {
                    changed.TryAdd(prefix + variable, []);
                }
            }

            var settings = new PipelineVariables(prefix, environment, options.ConfigurationErrors, changed, name);
            ApplyTo(pipeline, settings, modeSetInFile(name));
        }

        options.EnvironmentOverrides = [.. changed.OrderBy(static c => c.Key, StringComparer.Ordinal).Select(static c => new EnvironmentOverride(c.Key, c.Value))];
    }

    private static void ApplyTo(BulwarkPipelineOptions pipeline, PipelineVariables variables, bool modeSetInFile)
    {
        if (variables.Bool(MasterSwitch) == false)
        {
            // Off means off: every other variable of this pipeline changes nothing.
            variables.Changed(MasterSwitch);
            pipeline.Retry = null;
            pipeline.CircuitBreaker = null;
            return;
        }

        if (variables.Bool("RESILIENCE_RETRY_ENABLED") == false)
        {
            variables.Changed("RESILIENCE_RETRY_ENABLED");
            pipeline.Retry = null;
        }
        else if (Names.Take(5).Any(variables.IsSet))
        {
            var retry = pipeline.Retry ??= new BulwarkRetryStrategyOptions();
            if (variables.Int("RETRY_MAX_ATTEMPTS", 1) is { } attempts)
            {
                retry.MaxRetries = attempts - 1;
            }

            if (variables.Seconds("RETRY_BASE_DELAY") is { } baseDelay)
            {
                retry.BaseDelay = baseDelay;
            }

            if (variables.Seconds("RETRY_MAX_DELAY") is { } maxDelay)
            {
                retry.MaxDelay = maxDelay;
            }

            if (variables.Double("RETRY_EXPONENTIAL_BASE") is { } factor)
            {
                retry.ExponentialFactor = factor;
            }

            if (variables.Bool("RETRY_JITTER") is { } jitter)
            {
                retry.Jitter = jitter ? JitterMode.Full : JitterMode.None;
            }
        }

        if (variables.Bool("RESILIENCE_CIRCUIT_BREAKER_ENABLED") == false)
        {
            variables.Changed("RESILIENCE_CIRCUIT_BREAKER_ENABLED");
            pipeline.CircuitBreaker = null;
        }
        else if (Names.Skip(7).Any(variables.IsSet))
        {
            var breaker = pipeline.CircuitBreaker ??= new BulwarkCircuitBreakerStrategyOptions();
            if (variables.Int("CIRCUIT_BREAKER_FAILURE_THRESHOLD", 1) is { } threshold)
            {
                breaker.FailureThreshold = threshold;
                if (!modeSetInFile)
                {
                    breaker.Mode = CircuitBreakerMode.ConsecutiveFailures;
                }
            }

            if (variables.Int("CIRCUIT_BREAKER_SUCCESS_THRESHOLD", 1) is { } successes)
            {
                breaker.SuccessThreshold = successes;
            }

            if (variables.Seconds("CIRCUIT_BREAKER_TIMEOUT") is { } breakDuration)
            {
                breaker.BreakDuration = breakDuration;
                if (breaker.MaxBreakDuration < breakDuration)
                {
                    breaker.MaxBreakDuration = breakDuration;
                }
            }

            if (variables.Int("CIRCUIT_BREAKER_HALF_OPEN_MAX_CALLS", 1) is { } probes)
            {
                breaker.HalfOpenMaxCalls = probes;
            }
        }
    }

    /// <summary>
    /// The seed variables as one pipeline sees them: its prefixed variable, else the unprefixed one. Reading a value that
    /// applies notes that it changed this pipeline; an unreadable value is an error, reported once.
    /// </summary>
    private sealed class PipelineVariables(string prefix, Func<string, string?> environment, List<string> errors, Dictionary<string, List<string>> changed, string pipeline)
    {
        public bool IsSet(string name) => Raw(name).Value is not null;

        public void Changed(string name)
        {
            if (changed.TryGetValue(Raw(name).Variable, out var pipelines) && !pipelines.Contains(pipeline))
            {
                pipelines.Add(pipeline);
            }
        }

        public int? Int(string name, int minimum) => Read(name, SeedEnvironmentVariables.Int, minimum);

        public double? Double(string name) => Read(name, static (v, raw, e, _) => SeedEnvironmentVariables.Double(v, raw, e), 0);

        public TimeSpan? Seconds(string name) => Read(name, static (v, raw, e, _) => SeedEnvironmentVariables.Seconds(v, raw, e), 0);

        /// <summary>A boolean; noted as a change only by the caller, where it changes something (false removes; true keeps).</summary>
        public bool? Bool(string name)
        {
            var (variable, raw) = Raw(name);
            return raw is null ? null : SeedEnvironmentVariables.Bool(variable, raw, errors);
        }

        private T? Read<T>(string name, Func<string, string, List<string>, int, T?> parse, int minimum)
            where T : struct
        {
            var (variable, raw) = Raw(name);
            if (raw is null)
            {
                return null;
            }

            var value = parse(variable, raw, errors, minimum);
            if (value is not null)
            {
                Changed(name);
            }

            return value;
        }

        private (string Variable, string? Value) Raw(string name) =>
            environment(prefix + name) is { } own ? (prefix + name, own) : (name, environment(name));
    }

    private static int? Int(string name, string raw, List<string> errors, int minimum)
    {
        if (int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= minimum)
        {
            return value;
        }

        AddOnce(errors, $"{name} (environment): '{raw}' is not a whole number of at least {minimum}.");
        return null;
    }

    private static double? Double(string name, string raw, List<string> errors)
    {
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
        {
            return value;
        }

        AddOnce(errors, $"{name} (environment): '{raw}' is not a number.");
        return null;
    }

    private static TimeSpan? Seconds(string name, string raw, List<string> errors)
    {
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0 && seconds <= TimeSpan.FromDays(1).TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        AddOnce(errors, $"{name} (environment): '{raw}' is not a number of seconds between 0 and 86400.");
        return null;
    }

    private static bool? Bool(string name, string raw, List<string> errors)
    {
        switch (raw.Trim().ToUpperInvariant())
        {
            case "TRUE" or "1" or "YES" or "ON":
                return true;
            case "FALSE" or "0" or "NO" or "OFF":
                return false;
            default:
                AddOnce(errors, $"{name} (environment): '{raw}' is not a boolean; use true or false.");
                return null;
        }
    }

    /// <summary>An unprefixed variable is read for every pipeline: its error is said once.</summary>
    private static void AddOnce(List<string> errors, string error)
    {
        if (!errors.Contains(error))
        {
            errors.Add(error);
        }
    }
}
