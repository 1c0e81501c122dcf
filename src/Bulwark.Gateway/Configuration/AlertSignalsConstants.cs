namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and bounds of <c>Bulwark:Alerts:Signals</c>.</summary>
internal static class AlertSignalsConstants
{
    public static readonly TimeSpan DefaultBreakerStuckOpenAfter = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinBreakerStuckOpenAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBreakerStuckOpenAfter = TimeSpan.FromHours(24);
}
