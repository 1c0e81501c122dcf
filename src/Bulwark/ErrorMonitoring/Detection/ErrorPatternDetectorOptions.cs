namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>Settings of the <see cref="ErrorPatternDetector"/>, meant for <c>Bulwark:Errors:Detection</c>.</summary>
public sealed class ErrorPatternDetectorOptions
{
    /// <summary>
    /// Gets or sets how often the caller evaluates: a fingerprint is new when first seen within one interval before the
    /// evaluation, so evaluating once per interval reports each new fingerprint exactly once.
    /// </summary>
    /// <value>Defaults to 1 minute. Range 5 seconds to 1 hour.</value>
    public TimeSpan EvaluationInterval { get; set; } = ErrorDetectionConstants.DefaultEvaluationInterval;

    /// <summary>Gets or sets the new-error detector's settings.</summary>
    /// <value>Defaults to the defaults of <see cref="NewErrorDetectionOptions"/>; not <see langword="null"/>.</value>
    public NewErrorDetectionOptions NewError { get; set; } = new();

    /// <summary>Gets or sets the repeated-error detector's settings.</summary>
    /// <value>Defaults to the defaults of <see cref="RepeatedErrorDetectionOptions"/>; not <see langword="null"/>.</value>
    public RepeatedErrorDetectionOptions RepeatedError { get; set; } = new();

    /// <summary>Gets or sets the error-rate detector's settings.</summary>
    /// <value>Defaults to the defaults of <see cref="ErrorRateDetectionOptions"/>; not <see langword="null"/>.</value>
    public ErrorRateDetectionOptions ErrorRate { get; set; } = new();

    /// <summary>Gets or sets the error-anomaly detector's settings.</summary>
    /// <value>Defaults to the defaults of <see cref="AnomalyDetectionOptions"/>; not <see langword="null"/>.</value>
    public AnomalyDetectionOptions Anomaly { get; set; } = new();

    /// <summary>Gets or sets the recovery-failure detector's settings.</summary>
    /// <value>Defaults to the defaults of <see cref="RecoveryFailureDetectionOptions"/>; not <see langword="null"/>.</value>
    public RecoveryFailureDetectionOptions RecoveryFailure { get; set; } = new();

    /// <summary>Gets or sets the system-degradation detector's settings.</summary>
    /// <value>Defaults to the defaults of <see cref="SystemDegradationDetectionOptions"/>; not <see langword="null"/>.</value>
    public SystemDegradationDetectionOptions SystemDegradation { get; set; } = new();
}
