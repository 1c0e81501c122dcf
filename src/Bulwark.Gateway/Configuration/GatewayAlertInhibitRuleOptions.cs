namespace Bulwark.Gateway.Configuration;

/// <summary>One inhibition rule (<c>Bulwark:Alerts:Inhibit:[n]</c>), as an Alertmanager <c>inhibit_rules</c> entry.</summary>
public sealed class GatewayAlertInhibitRuleOptions
{
    /// <summary>Gets or sets the matchers of the inhibiting alerts (syntax as in <see cref="GatewayAlertEscalationPolicyOptions.Matchers"/>).</summary>
    /// <value>Defaults to none; at least one is required.</value>
    public IList<string> SourceMatchers { get; set; } = [];

    /// <summary>Gets or sets the matchers of the inhibited alerts.</summary>
    /// <value>Defaults to none; at least one is required.</value>
    public IList<string> TargetMatchers { get; set; } = [];

    /// <summary>Gets or sets the labels whose values must be equal in source and target (a label missing from both is equal).</summary>
    /// <value>Defaults to none.</value>
    public IList<string> Equal { get; set; } = [];
}
