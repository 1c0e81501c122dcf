namespace Bulwark.AspNetCore.Anomaly;

/// <summary>Which series of a provider left its control limit.</summary>
public enum AnomalySignal
{
    /// <summary>No series is out of control.</summary>
    None,

    /// <summary>The smoothed latency rose above its upper control limit.</summary>
    Latency,

    /// <summary>The smoothed error rate rose above its upper control limit.</summary>
    ErrorRate,
}
