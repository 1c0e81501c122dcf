namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>The repeated-error detector: one fingerprint seen at least <see cref="Threshold"/> times in its 5-minute window.</summary>
public sealed class RepeatedErrorDetectionOptions
{
    /// <summary>Gets or sets a value indicating whether the detector runs.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many occurrences of one fingerprint in 5 minutes fire the pattern.</summary>
    /// <value>Defaults to 50. Range 1 to 1,000,000,000.</value>
    public long Threshold { get; set; } = ErrorDetectionConstants.DefaultRepeatedThreshold;
}
