namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>Which error pattern a <see cref="DetectedPattern"/> reports.</summary>
public enum DetectedPatternKind
{
    /// <summary>A fingerprint first seen within the last evaluation interval, or since the previous evaluation when that was longer ago (<see cref="NewErrorDetectionOptions"/>).</summary>
    NewError = 0,

    /// <summary>One fingerprint seen at least N times in its 5-minute window (<see cref="RepeatedErrorDetectionOptions"/>).</summary>
    RepeatedError = 1,

    /// <summary>Errors over requests in the 1- or 5-minute window at or above the high threshold (<see cref="ErrorRateDetectionOptions.HighRate"/>).</summary>
    ErrorRateHigh = 2,

    /// <summary>Errors over requests in the 1- or 5-minute window at or above the critical threshold (<see cref="ErrorRateDetectionOptions.CriticalRate"/>).</summary>
    ErrorRateCritical = 3,

    /// <summary>The 1-minute error rate above its own EWMA baseline's control limit (<see cref="AnomalyDetectionOptions"/>).</summary>
    ErrorAnomaly = 4,

    /// <summary>Failed recoveries over recoveries attempted in 5 minutes at or above a ratio (<see cref="RecoveryFailureDetectionOptions"/>).</summary>
    RecoveryFailure = 5,

    /// <summary>Several distinct errors of severity Error or above active at once in 5 minutes (<see cref="SystemDegradationDetectionOptions"/>).</summary>
    SystemDegradation = 6,
}
