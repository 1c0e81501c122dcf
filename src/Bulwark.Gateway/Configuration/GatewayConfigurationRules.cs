using Bulwark.Configuration;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// How the gateway checks its <c>Bulwark</c> section: an unknown key is an error (it would be accepted and then
/// ignored), and the sections other components read from it with their own options are known.
/// </summary>
internal static class GatewayConfigurationRules
{
    /// <summary>Gets the rules: unknown keys are errors; the telemetry's anomaly and provider-health sections are known.</summary>
    public static ConfigurationRules Instance { get; } = new()
    {
        UnknownKeysAreErrors = true,
        AdditionalSections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
        {
            // Bound by AddBulwarkTelemetry from Bulwark:Telemetry, beside BulwarkTelemetryOptions.
            ["Telemetry:Anomaly"] = typeof(Bulwark.AspNetCore.Anomaly.AnomalyDetectorOptions),
            ["Telemetry:ProviderHealth"] = typeof(Bulwark.AspNetCore.ProviderHealth.ProviderHealthOptions),
        },
    };
}
