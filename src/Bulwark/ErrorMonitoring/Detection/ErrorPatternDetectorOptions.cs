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

    /// <summary>Gets the new-error detector's settings.</summary>
    public NewErrorDetectionOptions NewError { get; } = new();

    /// <summary>Gets the repeated-error detector's settings.</summary>
    public RepeatedErrorDetectionOptions RepeatedError { get; } = new();

    /// <summary>Gets the error-rate detector's settings.</summary>
    public ErrorRateDetectionOptions ErrorRate { get; } = new();
}
