namespace Bulwark.AspNetCore.Anomaly;

/// <summary>
/// Tunes the <see cref="AnomalyDetector"/>: an EWMA control chart per provider on attempt latency and one on the error
/// indicator. Bound from <c>Bulwark:Telemetry:Anomaly</c> by <c>AddBulwarkTelemetry</c> and validated at start-up.
/// </summary>
/// <remarks>
/// The defaults were tuned on seeded synthetic series (log-normal latency with a coefficient of variation of about 53%,
/// 2% errors): a 3× latency step is flagged within 30 samples, and a stable series raises fewer than one false flag per
/// 10,000 samples. The error indicator is 0 or 1, so its chart needs a longer memory and a longer sustained breach than
/// latency before a 3σ limit means what it says.
/// </remarks>
public sealed class AnomalyDetectorOptions
{
    /// <summary>Gets or sets λ for latency: the weight of each new sample in the smoothed latency judged against the limit.</summary>
    /// <value>Default 0.2 (an effective memory of about 9 samples); range (0, 1].</value>
    public double LatencySmoothingFactor { get; set; } = AnomalyConstants.LatencySmoothingFactor;

    /// <summary>Gets or sets α for latency: the weight of each in-control sample in the baseline mean and variance.</summary>
    /// <value>Default 0.01 (an effective memory of about 200 samples); range (0, 1]. Keep it well below <see cref="LatencySmoothingFactor"/>.</value>
    public double LatencyBaselineSmoothingFactor { get; set; } = AnomalyConstants.LatencyBaselineSmoothingFactor;

    /// <summary>Gets or sets N for latency: how many samples in a row above the latency limit mark the provider <see cref="AnomalyState.Degraded"/>.</summary>
    /// <value>Default 14; range 1–100,000.</value>
    public int LatencyConsecutiveBreaches { get; set; } = AnomalyConstants.LatencyConsecutiveBreaches;

    /// <summary>Gets or sets λ for the error rate.</summary>
    /// <value>Default 0.02 (an effective memory of about 100 attempts); range (0, 1].</value>
    public double ErrorRateSmoothingFactor { get; set; } = AnomalyConstants.ErrorRateSmoothingFactor;

    /// <summary>Gets or sets α for the error-rate baseline.</summary>
    /// <value>Default 0.0005 (an effective memory of about 4,000 attempts); range (0, 1]. Keep it well below <see cref="ErrorRateSmoothingFactor"/>.</value>
    public double ErrorRateBaselineSmoothingFactor { get; set; } = AnomalyConstants.ErrorRateBaselineSmoothingFactor;

    /// <summary>Gets or sets N for the error rate: how many samples in a row above the error-rate limit mark the provider <see cref="AnomalyState.Degraded"/>.</summary>
    /// <value>Default 90; range 1–100,000.</value>
    public int ErrorRateConsecutiveBreaches { get; set; } = AnomalyConstants.ErrorRateConsecutiveBreaches;

    /// <summary>Gets or sets L, the width of the upper control limit in standard deviations of the smoothed statistic.</summary>
    /// <value>Default 3 (the classic 3σ limit); range (0, 10].</value>
    public double ControlLimitSigmas { get; set; } = AnomalyConstants.ControlLimitSigmas;

    /// <summary>Gets or sets how many samples in a row within both limits mark a degraded provider <see cref="AnomalyState.Normal"/> again.</summary>
    /// <value>Default 14; range 1–100,000.</value>
    public int RecoverySamples { get; set; } = AnomalyConstants.RecoverySamples;

    /// <summary>
    /// Gets or sets how many samples build the first baseline (plain mean and variance) before anything can be flagged; a
    /// chart also waits at least 1/λ samples.
    /// </summary>
    /// <value>Default 50; range 2–100,000.</value>
    public int WarmupSamples { get; set; } = AnomalyConstants.WarmupSamples;

    /// <summary>
    /// Gets or sets the smallest latency standard deviation assumed, as a fraction of the baseline mean, so that a provider
    /// with almost constant latency is not flagged for a millisecond of jitter.
    /// </summary>
    /// <value>Default 0.05 (5% of the mean); range [0, 10].</value>
    public double MinimumRelativeDeviation { get; set; } = AnomalyConstants.MinimumRelativeDeviation;

    /// <summary>
    /// Gets or sets the smallest baseline error rate assumed when computing the error-rate limit (σ = √(p(1 − p)) with p at
    /// least this), so that a few errors from a provider that never fails are not an anomaly.
    /// </summary>
    /// <value>Default 0.01 (1%); range [0, 0.5].</value>
    public double MinimumErrorRate { get; set; } = AnomalyConstants.MinimumErrorRate;

    /// <summary>
    /// Gets or sets after how many breaching samples in a row a chart's baseline is moved to the new level, so that a lasting
    /// shift becomes the new normal instead of a permanent flag.
    /// </summary>
    /// <value>Default 1,000; range 1–10,000,000, and not below either consecutive-breach count.</value>
    public int RebaselineAfter { get; set; } = AnomalyConstants.RebaselineAfter;
}
