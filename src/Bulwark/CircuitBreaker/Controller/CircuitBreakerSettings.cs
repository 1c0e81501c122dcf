namespace Bulwark.CircuitBreaker.Controller;

/// <summary>The non-generic part of the breaker's options, copied once at build time.</summary>
internal sealed record CircuitBreakerSettings(
    CircuitBreakerMode Mode,
    int FailureThreshold,
    double FailureRatio,
    int MinimumThroughput,
    TimeSpan SamplingDuration,
    TimeSpan BreakDuration,
    double BreakDurationGrowthFactor,
    TimeSpan MaxBreakDuration,
    Func<BreakDurationGeneratorArguments, TimeSpan>? BreakDurationGenerator,
    int HalfOpenMaxCalls,
    int SuccessThreshold,
    double Z,
    double MinThreshold,
    double MaxThreshold,
    double ThresholdMultiplier,
    double InitialBaseline,
    TimeSpan InitialBaselineWeight,
    TimeSpan BaselineHorizon)
{
    public static CircuitBreakerSettings From<TResult>(BulwarkCircuitBreakerStrategyOptions<TResult> o) => new(
        o.Mode,
        o.FailureThreshold,
        o.FailureRatio,
        o.MinimumThroughput,
        o.SamplingDuration,
        o.BreakDuration,
        o.BreakDurationGrowthFactor,
        o.MaxBreakDuration,
        o.BreakDurationGenerator,
        o.HalfOpenMaxCalls,
        o.SuccessThreshold,
        o.Z,
        o.MinThreshold,
        o.MaxThreshold,
        o.ThresholdMultiplier,
        o.InitialBaseline,
        o.InitialBaselineWeight,
        o.BaselineHorizon);
}
