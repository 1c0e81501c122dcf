namespace Bulwark.Gateway.Alerts;

/// <summary>How bad an alert is; escalation levels and channels filter on it. Ordered: a larger value is more severe.</summary>
internal enum AlertSeverity
{
    /// <summary>Worth knowing; nothing to do now.</summary>
    Info = 0,

    /// <summary>Something degrades; look at it today.</summary>
    Warning = 1,

    /// <summary>Something fails for users; look at it now.</summary>
    Error = 2,

    /// <summary>An outage or a limit reached; wake someone.</summary>
    Critical = 3,
}
