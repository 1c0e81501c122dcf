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

    /// <summary>The most fingerprints read from a monitor at one evaluation (the snapshot's own bound).</summary>
    public const int SnapshotLimit = ErrorMonitoringConstants.MaxSnapshotLimit;
}
