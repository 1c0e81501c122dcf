namespace Bulwark.Gateway.Configuration;

/// <summary>One escalation policy: which alerts it takes, and its levels.</summary>
public sealed class GatewayAlertEscalationPolicyOptions
{
    /// <summary>
    /// Gets or sets the matchers an alert must all satisfy to take this policy, as Alertmanager writes them:
    /// <c>name=value</c>, <c>name!=value</c>, <c>name=~regex</c>, <c>name!~regex</c> (the value may be double-quoted; a regex
    /// matches the whole value; the rule is the label <c>rule</c>).
    /// </summary>
    /// <value>Defaults to none: only the policy named <c>default</c> may have none; the others need at least one.</value>
    public IList<string> Matchers { get; set; } = [];

    /// <summary>Gets or sets the levels, each fired once per alert at its delay, until the alert is acknowledged or resolved.</summary>
    /// <value>Defaults to none; 1 to 20 levels are required.</value>
    public IList<GatewayAlertEscalationLevelOptions> Levels { get; set; } = [];
}
