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

    /// <summary>Gets or sets how often every signal source is asked what holds, and alerts fire, escalate, repeat and resolve.</summary>
    /// <value>Defaults to 15 seconds; 1 second to 10 minutes.</value>
    public TimeSpan EvaluationInterval { get; set; } = AlertsConstants.DefaultEvaluationInterval;

    /// <summary>Gets or sets how long a firing alert's condition must go unsignalled before the alert resolves by itself.</summary>
    /// <value>Defaults to 5 minutes; 1 second to 7 days.</value>
    public TimeSpan ResolveAfter { get; set; } = AlertsConstants.DefaultResolveAfter;

    /// <summary>Gets or sets how often an unacknowledged firing alert is notified again to the channels already notified.</summary>
    /// <value>Defaults to 4 hours; 1 minute to 30 days.</value>
    public TimeSpan RepeatInterval { get; set; } = AlertsConstants.DefaultRepeatInterval;

    /// <summary>
    /// Gets or sets the labels that, with the rule, make a group: alerts of one group that change at the same evaluation go
    /// out in one notification.
    /// </summary>
    /// <value>Defaults to <c>["provider"]</c> when unset; at most 10 label names.</value>
    public IList<string>? GroupBy { get; set; }

    /// <summary>Gets or sets the most alerts active (firing or acknowledged) at once; beyond it the least severe, newest are dropped.</summary>
    /// <value>Defaults to 1,000; 1 to 100,000.</value>
    public int MaxAlerts { get; set; } = AlertsConstants.DefaultMaxAlerts;

    /// <summary>Gets or sets how long resolved alerts (and expired silences) stay listed by <c>/admin/alerts</c>.</summary>
    /// <value>Defaults to 24 hours; 1 minute to 30 days.</value>
    public TimeSpan ResolvedRetention { get; set; } = AlertsConstants.DefaultResolvedRetention;

    /// <summary>Gets or sets the gateway's external URL (absolute http or https) that notifications link back to.</summary>
    /// <value>Defaults to none.</value>
    public string? ExternalUrl { get; set; }

    /// <summary>Gets or sets whom alerts escalate to, and when.</summary>
    /// <value>Defaults to no policy: alerts are kept and shown but notified to nobody.</value>
    public GatewayAlertEscalationOptions Escalation { get; set; } = new();

    /// <summary>
    /// Gets or sets the inhibition rules, as Alertmanager's <c>inhibit_rules</c>: an active alert matching a rule's source
    /// matchers keeps alerts matching its target matchers, with equal values of its <c>Equal</c> labels, from being notified.
    /// </summary>
    /// <value>
    /// Defaults, when none is set, to one rule: <c>breaker-open</c> inhibits <c>error-rate-high</c>, <c>error-rate-critical</c>,
    /// <c>error-anomaly</c> and <c>repeated-error</c> of the same <c>provider</c>.
    /// </value>
    public IList<GatewayAlertInhibitRuleOptions> Inhibit { get; set; } = [];
}
