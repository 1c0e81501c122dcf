namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// The validated options, copied when the detector is built so that a later change to the (mutable) options objects
/// cannot bypass validation.
/// </summary>
internal sealed record DetectionSettings(
    TimeSpan EvaluationInterval,
    bool NewErrorEnabled,
    TimeSpan WarmUp,
    bool RepeatedErrorEnabled,
    long RepeatedThreshold,
    bool ErrorRateEnabled,
    double HighRate,
    double CriticalRate,
    long MinimumRequests)
{
    public static DetectionSettings From(ErrorPatternDetectorOptions options) => new(
        options.EvaluationInterval,
        options.NewError.Enabled,
        options.NewError.WarmUp,
        options.RepeatedError.Enabled,
        options.RepeatedError.Threshold,
        options.ErrorRate.Enabled,
        options.ErrorRate.HighRate,
        options.ErrorRate.CriticalRate,
        options.ErrorRate.MinimumRequests);
}
