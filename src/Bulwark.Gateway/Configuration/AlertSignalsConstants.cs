namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and bounds of <c>Bulwark:Alerts:Signals</c>.</summary>
internal static class AlertSignalsConstants
{
    public static readonly TimeSpan DefaultBreakerStuckOpenAfter = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan MinBreakerStuckOpenAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBreakerStuckOpenAfter = TimeSpan.FromHours(24);

    public const int DefaultSecurityBurstThreshold = 50;
    public const int MaxSecurityBurstThreshold = 1_000_000;

    public const long DefaultPerformanceImpactMinimumErrors = 10;
    public const long MaxPerformanceImpactMinimumErrors = 1_000_000_000;
}
