namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// The recovery-failure detector: of the errors recorded with a recovery attempted (a retry, a failover, a fallback) in the
/// last 5 minutes, the share whose recovery did not succeed, when at least <see cref="MinimumAttempts"/> recoveries were
/// attempted. Retries and failover that stop saving requests mean the resilience itself is exhausted.
/// </summary>
/// <remarks>
/// The monitor counts recoveries since it saw each fingerprint; the detector takes the difference between evaluations and
/// keeps 5 minutes of them, so it must be evaluated once per <see cref="ErrorPatternDetectorOptions.EvaluationInterval"/>.
/// Recoveries recorded before its first evaluation are not counted.
/// </remarks>
public sealed class RecoveryFailureDetectionOptions
{
    /// <summary>Gets or sets a value indicating whether the detector runs.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the share of failed recoveries at or above which <see cref="DetectedPatternKind.RecoveryFailure"/> fires.</summary>
    /// <value>Defaults to 0.2 (20%). Range: above 0, at most 1.</value>
    public double FailureRatio { get; set; } = ErrorDetectionConstants.DefaultRecoveryFailureRatio;

    /// <summary>Gets or sets how many recoveries the 5 minutes need before their ratio is judged.</summary>
    /// <value>Defaults to 20. Range 1 to 1,000,000,000.</value>
    public long MinimumAttempts { get; set; } = ErrorDetectionConstants.DefaultRecoveryMinimumAttempts;
}
