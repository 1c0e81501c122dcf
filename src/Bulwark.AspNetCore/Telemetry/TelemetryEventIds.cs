namespace Bulwark.AspNetCore.Telemetry;

/// <summary>The log event ids of telemetry, anomaly detection and provider health, in one place (4001–4099).</summary>
internal static class TelemetryEventIds
{
    public const int ProviderDegraded = 4001;
    public const int ProviderRecovered = 4002;
    public const int ProviderRebaselined = 4003;
}
