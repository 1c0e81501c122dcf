namespace Bulwark.AspNetCore.Anomaly;

/// <summary>The anomaly state of one provider.</summary>
public enum AnomalyState
{
    /// <summary>Still in the warm-up (see <see cref="AnomalyDetectorOptions.WarmupSamples"/>): no baseline yet, never flagged.</summary>
    Learning,

    /// <summary>Latency and error rate are within their control limits (or have not breached them long enough).</summary>
    Normal,

    /// <summary>A sustained breach: enough samples in a row above a control limit (see <see cref="AnomalyDetectorOptions.LatencyConsecutiveBreaches"/>).</summary>
    Degraded,
}
