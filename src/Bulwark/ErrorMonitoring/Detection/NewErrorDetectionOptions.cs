namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>The new-error detector: a fingerprint first seen within the last evaluation interval, after a warm-up.</summary>
public sealed class NewErrorDetectionOptions
{
    /// <summary>Gets or sets a value indicating whether the detector runs.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets how long after the detector starts no error counts as new: right after a start every fingerprint is
    /// new to the monitor, though not to the service.
    /// </summary>
    /// <value>Defaults to 5 minutes. Range 0 to 24 hours.</value>
    public TimeSpan WarmUp { get; set; } = ErrorDetectionConstants.DefaultWarmUp;
}
