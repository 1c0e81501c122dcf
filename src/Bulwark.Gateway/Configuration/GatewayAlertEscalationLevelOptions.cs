namespace Bulwark.Gateway.Configuration;

/// <summary>One level of an escalation policy: after how long, for which severities, to which channels.</summary>
public sealed class GatewayAlertEscalationLevelOptions
{
    /// <summary>Gets or sets the delay from when the alert started firing to when this level is notified.</summary>
    /// <value>Defaults to zero (at once); 0 to 7 days.</value>
    public TimeSpan After { get; set; }

    /// <summary>
    /// Gets or sets the least severity (<c>Info</c>, <c>Warning</c>, <c>Error</c>, <c>Critical</c>) an alert needs for this level;
    /// an alert whose severity rises later is notified then.
    /// </summary>
    /// <value>Defaults to <c>Info</c> (every alert).</value>
    public string MinSeverity { get; set; } = AlertsConstants.DefaultMinSeverity;

    /// <summary>Gets or sets the channels (keys of <c>Bulwark:Alerts:Channels</c>) this level notifies.</summary>
    /// <value>Defaults to none; at least one is required.</value>
    public IList<string> Channels { get; set; } = [];
}
