namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The error monitor (<c>Bulwark:Errors</c>): how many fingerprints the gateway keeps, and how often each caller may report
/// errors through <c>POST /bulwark/errors</c>. Read when the gateway starts; a change needs a restart.
/// </summary>
public sealed class GatewayErrorsOptions
{
    /// <summary>Gets or sets how many fingerprints are kept; beyond it the least recently seen are forgotten.</summary>
    /// <value>Defaults to 10,000 (about 16 MB at most). Range 1 to 1,000,000.</value>
    public int MaxFingerprints { get; set; } = ErrorsConstants.DefaultMaxFingerprints;

    /// <summary>
    /// Gets or sets how many reports one caller (a client key, or the admin token) may send to <c>POST /bulwark/errors</c>
    /// per minute: a token bucket of this size refilled evenly over the minute; beyond it, 429 with Retry-After.
    /// </summary>
    /// <value>Defaults to 600. Range 1 to 100,000.</value>
    public int IntakeRequestsPerMinute { get; set; } = ErrorsConstants.DefaultIntakeRequestsPerMinute;

    /// <summary>
    /// Gets or sets the error pattern detectors (<c>Bulwark:Errors:Detection</c>): new and repeated errors, error rate high and
    /// critical, anomaly, recovery failure, system degradation; each pattern that fires is an alert signal.
    /// </summary>
    /// <value>Defaults to the engine's defaults (<see cref="Bulwark.ErrorMonitoring.Detection.ErrorPatternDetectorOptions"/>): evaluated once a minute.</value>
    public Bulwark.ErrorMonitoring.Detection.ErrorPatternDetectorOptions Detection { get; set; } = new();
}
