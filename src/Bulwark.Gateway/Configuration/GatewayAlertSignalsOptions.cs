namespace Bulwark.Gateway.Configuration;

/// <summary>Thresholds of the gateway's own alert signals (<c>Bulwark:Alerts:Signals</c>).</summary>
public sealed class GatewayAlertSignalsOptions
{
    /// <summary>
    /// Gets or sets how long a provider's breaker may stay open (or keep cycling between open and half-open without closing)
    /// before <c>breaker-stuck-open</c> fires, Critical, besides <c>breaker-open</c>.
    /// </summary>
    /// <value>Defaults to 10 minutes. Range 1 second to 24 hours.</value>
    public TimeSpan BreakerStuckOpenAfter { get; set; } = AlertSignalsConstants.DefaultBreakerStuckOpenAfter;

    /// <summary>
    /// Gets or sets how many refused or suspicious requests of one kind in 5 minutes fire <c>security-concern</c>: client
    /// credentials refused (401), admin token failures, open-proxy attempts (absolute-form targets, CONNECT), requests that
    /// matched no route.
    /// </summary>
    /// <value>Defaults to 50. Range 1 to 1,000,000.</value>
    public int SecurityBurstThreshold { get; set; } = AlertSignalsConstants.DefaultSecurityBurstThreshold;

    /// <summary>
    /// Gets or sets how many errors naming a provider in 5 minutes make its latency anomaly (from the provider anomaly
    /// detector, <c>Bulwark:Telemetry:Anomaly</c>) a <c>performance-impact</c>.
    /// </summary>
    /// <value>Defaults to 10. Range 1 to 1,000,000,000.</value>
    public long PerformanceImpactMinimumErrors { get; set; } = AlertSignalsConstants.DefaultPerformanceImpactMinimumErrors;
}
