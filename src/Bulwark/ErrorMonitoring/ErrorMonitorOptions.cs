namespace Bulwark.ErrorMonitoring;

/// <summary>Settings of the <see cref="ErrorMonitor"/>, bound from <c>Bulwark:Errors</c>.</summary>
public sealed class ErrorMonitorOptions
{
    /// <summary>
    /// Gets or sets how many fingerprints are kept. When a new one would exceed it, the least recently seen fingerprints
    /// are forgotten (about 5% of the limit at once, so that eviction costs O(1) per record on average). Each fingerprint
    /// takes about 1.6 KB (its windows' buckets, names and sample; measured), so the default bounds the monitor near 16 MB.
    /// </summary>
    /// <value>Defaults to 10,000. Range 1 to 1,000,000.</value>
    public int MaxFingerprints { get; set; } = ErrorMonitoringConstants.DefaultMaxFingerprints;
}
