namespace Bulwark.Gateway.Configuration;

/// <summary>Escalation (<c>Bulwark:Alerts:Escalation</c>): the policies alerts are notified by.</summary>
public sealed class GatewayAlertEscalationOptions
{
    /// <summary>
    /// Gets or sets the policies by case-insensitive name. An alert takes the first policy (by name, ordinal order) whose
    /// <see cref="GatewayAlertEscalationPolicyOptions.Matchers"/> all match it, else the policy named <c>default</c>; without
    /// one it is notified to nobody.
    /// </summary>
    /// <value>Defaults to none.</value>
    public IDictionary<string, GatewayAlertEscalationPolicyOptions> Policies { get; set; } =
        new Dictionary<string, GatewayAlertEscalationPolicyOptions>(StringComparer.OrdinalIgnoreCase);
}
