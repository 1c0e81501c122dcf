namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// The system-degradation detector: several distinct errors of severity <see cref="ErrorSeverity.Error"/> or above at once,
/// each seen at least <see cref="MinimumOccurrences"/> times in the last 5 minutes. One failing dependency is a repeated
/// error; several at the same time are the system degrading.
/// </summary>
public sealed class SystemDegradationDetectionOptions
{
    /// <summary>Gets or sets a value indicating whether the detector runs.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many distinct fingerprints must be active at once.</summary>
    /// <value>Defaults to 3. Range 2 to 10,000.</value>
    public int Fingerprints { get; set; } = ErrorDetectionConstants.DefaultDegradationFingerprints;

    /// <summary>Gets or sets how many times in 5 minutes a fingerprint must be seen to count as active: a stray error is not.</summary>
    /// <value>Defaults to 25. Range 1 to 1,000,000,000.</value>
    public long MinimumOccurrences { get; set; } = ErrorDetectionConstants.DefaultDegradationMinimumOccurrences;
}
