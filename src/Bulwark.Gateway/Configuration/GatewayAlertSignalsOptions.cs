namespace Bulwark.Gateway.Configuration;

/// <summary>Thresholds of the gateway's own alert signals (<c>Bulwark:Alerts:Signals</c>).</summary>
public sealed class GatewayAlertSignalsOptions
{
}
