namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Alerting (<c>Bulwark:Alerts</c>): what the gateway watches, how alerts live (resolve, group, repeat, inhibit), whom they
/// escalate to, and through which channels they are sent.
/// </summary>
public sealed class GatewayAlertsOptions
{
    /// <summary>Gets or sets the channels alerts are sent through, by case-insensitive name.</summary>
    /// <value>Defaults to none: alerts are kept and shown (<c>/admin/alerts</c>, <c>/health</c>) but sent nowhere.</value>
    public IDictionary<string, GatewayAlertChannelOptions> Channels { get; set; } =
        new Dictionary<string, GatewayAlertChannelOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the thresholds of the gateway's own signals (breakers, bulkheads, dead letters, store, budgets).</summary>
    /// <value>Defaults to the defaults of <see cref="GatewayAlertSignalsOptions"/>.</value>
    public GatewayAlertSignalsOptions Signals { get; set; } = new();
}
