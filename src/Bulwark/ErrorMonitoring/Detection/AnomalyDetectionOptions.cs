namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// The error-anomaly detector: the 1-minute error rate (errors over requests) sampled at each evaluation, against its own
/// baseline on an EWMA control chart (<see cref="Statistics.EwmaControlChart"/>). It fires when the smoothed rate rises above
/// the baseline's upper control limit and is at least <see cref="MinimumErrorRate"/>: an error rate unusual for this
/// service, even below the fixed thresholds of <see cref="ErrorRateDetectionOptions"/>.
/// </summary>
/// <remarks>
/// The detector keeps the chart between evaluations, so it must be evaluated once per
/// <see cref="ErrorPatternDetectorOptions.EvaluationInterval"/>; a breaching sample does not move the baseline, so a lasting
/// rise keeps firing until the rate comes back down.
/// </remarks>
public sealed class AnomalyDetectionOptions
{
    /// <summary>Gets or sets a value indicating whether the detector runs (it also needs the caller's <see cref="RequestCounts"/>).</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets λ, the weight of the latest sample in the smoothed rate: higher reacts faster and is noisier.</summary>
    /// <value>Defaults to 0.3. Range: above 0, at most 1.</value>
    public double SmoothingFactor { get; set; } = ErrorDetectionConstants.DefaultAnomalySmoothingFactor;

    /// <summary>Gets or sets α, the weight of an in-control sample in the baseline (mean and variance): lower remembers longer.</summary>
    /// <value>Defaults to 0.02 (about 50 evaluations of memory). Range: above 0, at most <see cref="SmoothingFactor"/>.</value>
    public double BaselineSmoothingFactor { get; set; } = ErrorDetectionConstants.DefaultAnomalyBaselineSmoothingFactor;

    /// <summary>Gets or sets L, the width of the control limit in standard deviations of the smoothed rate.</summary>
    /// <value>Defaults to 4 (no false alert in days of steady traffic at one evaluation a minute). Range: above 0, at most 10.</value>
    public double ControlLimitSigmas { get; set; } = ErrorDetectionConstants.DefaultAnomalyControlLimitSigmas;

    /// <summary>Gets or sets how many samples only build the baseline before the detector may fire (at least 1/λ are taken anyway).</summary>
    /// <value>Defaults to 30 (30 minutes at the default interval). Range 1 to 100,000.</value>
    public int WarmupSamples { get; set; } = ErrorDetectionConstants.DefaultAnomalyWarmupSamples;

    /// <summary>Gets or sets how many requests the last minute needs to give a sample; quieter minutes are skipped.</summary>
    /// <value>Defaults to 100. Range 1 to 1,000,000,000.</value>
    public long MinimumRequests { get; set; } = ErrorDetectionConstants.DefaultMinimumRequests;

    /// <summary>Gets or sets the smoothed error rate below which no anomaly fires, however unusual: 0.1% after 0.01% is no incident.</summary>
    /// <value>Defaults to 0.01 (1%). Range 0 to 1.</value>
    public double MinimumErrorRate { get; set; } = ErrorDetectionConstants.DefaultAnomalyMinimumErrorRate;
}
