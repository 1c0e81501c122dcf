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
    public bool AnomalyEnabled { get; init; }

    public double AnomalySmoothingFactor { get; init; } = ErrorDetectionConstants.DefaultAnomalySmoothingFactor;

    public double AnomalyBaselineSmoothingFactor { get; init; } = ErrorDetectionConstants.DefaultAnomalyBaselineSmoothingFactor;

    public double AnomalyControlLimitSigmas { get; init; } = ErrorDetectionConstants.DefaultAnomalyControlLimitSigmas;

    public int AnomalyWarmupSamples { get; init; } = ErrorDetectionConstants.DefaultAnomalyWarmupSamples;

    public long AnomalyMinimumRequests { get; init; } = ErrorDetectionConstants.DefaultMinimumRequests;

    public double AnomalyMinimumErrorRate { get; init; } = ErrorDetectionConstants.DefaultAnomalyMinimumErrorRate;

    public bool RecoveryFailureEnabled { get; init; }

    public double RecoveryFailureRatio { get; init; } = ErrorDetectionConstants.DefaultRecoveryFailureRatio;

    public long RecoveryMinimumAttempts { get; init; } = ErrorDetectionConstants.DefaultRecoveryMinimumAttempts;

    public bool DegradationEnabled { get; init; }

    public int DegradationFingerprints { get; init; } = ErrorDetectionConstants.DefaultDegradationFingerprints;

    public long DegradationMinimumOccurrences { get; init; } = ErrorDetectionConstants.DefaultDegradationMinimumOccurrences;

    public static DetectionSettings From(ErrorPatternDetectorOptions options) => new(
        options.EvaluationInterval,
        options.NewError.Enabled,
        options.NewError.WarmUp,
        options.RepeatedError.Enabled,
        options.RepeatedError.Threshold,
        options.ErrorRate.Enabled,
        options.ErrorRate.HighRate,
        options.ErrorRate.CriticalRate,
        options.ErrorRate.MinimumRequests)
    {
        AnomalyEnabled = options.Anomaly.Enabled,
        AnomalySmoothingFactor = options.Anomaly.SmoothingFactor,
        AnomalyBaselineSmoothingFactor = options.Anomaly.BaselineSmoothingFactor,
        AnomalyControlLimitSigmas = options.Anomaly.ControlLimitSigmas,
        AnomalyWarmupSamples = options.Anomaly.WarmupSamples,
        AnomalyMinimumRequests = options.Anomaly.MinimumRequests,
        AnomalyMinimumErrorRate = options.Anomaly.MinimumErrorRate,
        RecoveryFailureEnabled = options.RecoveryFailure.Enabled,
        RecoveryFailureRatio = options.RecoveryFailure.FailureRatio,
        RecoveryMinimumAttempts = options.RecoveryFailure.MinimumAttempts,
        DegradationEnabled = options.SystemDegradation.Enabled,
        DegradationFingerprints = options.SystemDegradation.Fingerprints,
        DegradationMinimumOccurrences = options.SystemDegradation.MinimumOccurrences,
    };
}
