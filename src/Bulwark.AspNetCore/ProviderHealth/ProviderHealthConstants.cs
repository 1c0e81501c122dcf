namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>Defaults of <see cref="ProviderHealthOptions"/> and the constants of the health score.</summary>
internal static class ProviderHealthConstants
{
    public const int WindowSize = 1_024;

    public const string EndpointPattern = "/health/providers";

    public const double MaxErrorPenalty = 50;
    public const double OpenBreakerPenalty = 40;
    public const double HalfOpenBreakerPenalty = 20;
    public const double AnomalyPenalty = 20;
    public const double LatencyPenaltyPerBaseline = 10;
    public const double MaxLatencyPenalty = 20;

    public const int HealthyScore = 80;
    public const int DegradedScore = 50;
}
