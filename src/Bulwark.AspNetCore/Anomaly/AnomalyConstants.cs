namespace Bulwark.AspNetCore.Anomaly;

/// <summary>Defaults of <see cref="AnomalyDetectorOptions"/>, tuned on seeded synthetic series (see the detector's tests).</summary>
internal static class AnomalyConstants
{
    public const double LatencySmoothingFactor = 0.2;

    public const double LatencyBaselineSmoothingFactor = 0.01;

    public const int LatencyConsecutiveBreaches = 14;

    public const double ErrorRateSmoothingFactor = 0.02;

    public const double ErrorRateBaselineSmoothingFactor = 0.0005;

    public const int ErrorRateConsecutiveBreaches = 90;

    public const double ControlLimitSigmas = 3.0;

    public const int RecoverySamples = 14;

    public const int WarmupSamples = 50;

    public const double MinimumRelativeDeviation = 0.05;

    public const double MinimumErrorRate = 0.01;

    public const int RebaselineAfter = 1_000;
}
