namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>The detectors' defaults and bounds.</summary>
internal static class ErrorDetectionConstants
{
    public static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinEvaluationInterval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxEvaluationInterval = TimeSpan.FromHours(1);

    public static readonly TimeSpan DefaultWarmUp = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxWarmUp = TimeSpan.FromHours(24);

    public const long DefaultRepeatedThreshold = 50;
    public const long MinRepeatedThreshold = 1;
    public const long MaxRepeatedThreshold = 1_000_000_000;

    public const double DefaultHighRate = 0.05;
    public const double DefaultCriticalRate = 0.20;

    public const long DefaultMinimumRequests = 100;
    public const long MinMinimumRequests = 1;
    public const long MaxMinimumRequests = 1_000_000_000;

    public const double DefaultAnomalySmoothingFactor = 0.3;
    public const double DefaultAnomalyBaselineSmoothingFactor = 0.02;
    public const double DefaultAnomalyControlLimitSigmas = 4;
    public const double MaxAnomalyControlLimitSigmas = 10;
    public const int DefaultAnomalyWarmupSamples = 30;
    public const int MaxAnomalyWarmupSamples = 100_000;
    public const double DefaultAnomalyMinimumErrorRate = 0.01;

    /// <summary>σ of the error-rate chart is at least this share of its mean: a perfectly flat baseline is no licence to fire on noise.</summary>
    public const double AnomalyRelativeDeviationFloor = 0.1;

    public const double DefaultRecoveryFailureRatio = 0.2;
    public const long DefaultRecoveryMinimumAttempts = 20;

    public const int DefaultDegradationFingerprints = 3;
    public const int MinDegradationFingerprints = 2;
    public const int MaxDegradationFingerprints = 10_000;
    public const long DefaultDegradationMinimumOccurrences = 25;

    /// <summary>The window of the recovery-failure and system-degradation detectors.</summary>
    public static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    /// <summary>The most fingerprints read from a monitor at one evaluation (the snapshot's own bound).</summary>
    public const int SnapshotLimit = ErrorMonitoringConstants.MaxSnapshotLimit;
}
