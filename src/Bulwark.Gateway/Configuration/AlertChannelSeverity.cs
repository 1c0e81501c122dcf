namespace Bulwark.Gateway.Configuration;

/// <summary>The least severe alert a channel sends (<c>MinSeverity</c>); the same order as the alerts' severities.</summary>
public enum AlertChannelSeverity
{
    /// <summary>Every alert.</summary>
    Info = 0,

    /// <summary>Warning, Error and Critical alerts.</summary>
    Warning = 1,

    /// <summary>Error and Critical alerts.</summary>
    Error = 2,

    /// <summary>Critical alerts only.</summary>
    Critical = 3,
}
