namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// The error-rate detector: errors (every fingerprint's occurrences) over requests in the 1-minute and in the 5-minute
/// window, each compared with a high and a critical threshold when the window saw at least <see cref="MinimumRequests"/>.
/// </summary>
public sealed class ErrorRateDetectionOptions
{
    /// <summary>Gets or sets a value indicating whether the detector runs (it also needs the caller's <see cref="RequestCounts"/>).</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the error rate at or above which <see cref="DetectedPatternKind.ErrorRateHigh"/> fires.</summary>
    /// <value>Defaults to 0.05 (5%). Range: above 0, at most 1, and at most <see cref="CriticalRate"/>.</value>
    public double HighRate { get; set; } = ErrorDetectionConstants.DefaultHighRate;

    /// <summary>Gets or sets the error rate at or above which <see cref="DetectedPatternKind.ErrorRateCritical"/> fires (instead of high).</summary>
    /// <value>Defaults to 0.20 (20%). Range: above 0, at most 1, and at least <see cref="HighRate"/>.</value>
    public double CriticalRate { get; set; } = ErrorDetectionConstants.DefaultCriticalRate;

    /// <summary>Gets or sets how many requests a window needs before its rate is judged: 1 error in 3 requests is no outage.</summary>
    /// <value>Defaults to 100. Range 1 to 1,000,000,000.</value>
    public long MinimumRequests { get; set; } = ErrorDetectionConstants.DefaultMinimumRequests;
}
