namespace Bulwark.CircuitBreaker;

/// <summary>Defaults and limits of <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}"/>.</summary>
internal static class CircuitBreakerConstants
{
    public const string DefaultName = "BulwarkCircuitBreaker";

    public const CircuitBreakerMode DefaultMode = CircuitBreakerMode.Adaptive;

    public const int DefaultFailureThreshold = 5;

    public const double DefaultFailureRatio = 0.5;

    public const int DefaultMinimumThroughput = 20;

    public const int MinimumThroughputFloor = 2;

    public static readonly TimeSpan DefaultSamplingDuration = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultMaxBreakDuration = TimeSpan.FromSeconds(60);

    public const double DefaultBreakDurationGrowthFactor = 2.0;

    public const int DefaultHalfOpenMaxCalls = 1;

    public const int DefaultSuccessThreshold = 2;

    public const double DefaultZ = 3.0;

    public const double DefaultMinThreshold = 0.2;

    public const double DefaultMaxThreshold = 0.8;

    public const double DefaultThresholdMultiplier = 2.0;

    public const double DefaultInitialBaseline = 0.05;

    public static readonly TimeSpan DefaultBaselineHorizon = TimeSpan.FromMinutes(10);

    /// <summary>How much of the dependency's own traffic the initial baseline counts as: one default horizon.</summary>
    public static readonly TimeSpan DefaultInitialBaselineWeight = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The largest initial baseline weight, in horizons: beyond it the dependency's history would need more than
    /// ln(1 + 10) ≈ 2.4 horizons of traffic to outweigh the prior.
    /// </summary>
    public const int MaxInitialBaselineWeightInHorizons = 10;

    /// <summary>Buckets of the short window the adaptive mode also judges, to catch abrupt outages quickly.</summary>
    public const int RecentBuckets = 2;

    /// <summary>Number of buckets the sampling window is divided into.</summary>
    public const int WindowBuckets = 10;

    public const string OnOpenedEvent = "OnCircuitOpened";

    public const string OnHalfOpenedEvent = "OnCircuitHalfOpened";

    public const string OnClosedEvent = "OnCircuitClosed";
}
