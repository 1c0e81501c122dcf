namespace Bulwark.AspNetCore.Anomaly;

/// <summary>A point-in-time reading of one provider's control charts.</summary>
/// <param name="State">The provider's anomaly state.</param>
/// <param name="Signal">The series that made it degraded, or <see cref="AnomalySignal.None"/>.</param>
/// <param name="Samples">Samples observed.</param>
/// <param name="EwmaLatencyMilliseconds">The smoothed (EWMA, λ) latency in milliseconds.</param>
/// <param name="BaselineLatencyMilliseconds">The baseline (EWMA, α) mean latency in milliseconds.</param>
/// <param name="LatencyUpperControlLimitMilliseconds">The latency upper control limit in milliseconds.</param>
/// <param name="EwmaErrorRate">The smoothed (EWMA, λ) error rate, 0–1.</param>
/// <param name="BaselineErrorRate">The baseline (EWMA, α) error rate, 0–1.</param>
/// <param name="ErrorRateUpperControlLimit">The error-rate upper control limit.</param>
public sealed record ProviderAnomalyReading(
    AnomalyState State,
    AnomalySignal Signal,
    long Samples,
    double EwmaLatencyMilliseconds,
    double BaselineLatencyMilliseconds,
    double LatencyUpperControlLimitMilliseconds,
    double EwmaErrorRate,
    double BaselineErrorRate,
    double ErrorRateUpperControlLimit);
