using System.Text.Json.Serialization;
using Bulwark.AspNetCore.Anomaly;

namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>A point-in-time reading of one provider, as <c>GET /health/providers</c> returns it.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Samples">Attempts in the window (at most <see cref="ProviderHealthOptions.WindowSize"/>).</param>
/// <param name="LatencyP50Milliseconds">The median attempt latency over the window (nearest rank), or <see langword="null"/> without samples.</param>
/// <param name="LatencyP95Milliseconds">The 95th percentile attempt latency over the window (nearest rank), or <see langword="null"/> without samples.</param>
/// <param name="EwmaLatencyMilliseconds">The anomaly detector's smoothed latency, or <see langword="null"/> without samples.</param>
/// <param name="BaselineLatencyMilliseconds">The anomaly detector's baseline latency, or <see langword="null"/> without samples.</param>
/// <param name="ErrorRate">Failed attempts / attempts over the window, 0–1; 0 without samples.</param>
/// <param name="Anomaly">The anomaly state.</param>
/// <param name="AnomalySignal">What made the provider degraded, or <see cref="Anomaly.AnomalySignal.None"/>.</param>
/// <param name="BreakerState">The breaker's state (<c>closed</c>, <c>half_open</c>, <c>open</c>, <c>isolated</c>), or <see langword="null"/> if the provider has no breaker.</param>
/// <param name="HealthScore">The health score, 0–100; see <see cref="ProviderStatisticsRegistry"/> for the formula.</param>
/// <param name="Status"><c>healthy</c> (score ≥ 80), <c>degraded</c> (≥ 50) or <c>unhealthy</c>.</param>
public sealed record ProviderStatisticsSnapshot(
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("latency_p50_ms")] double? LatencyP50Milliseconds,
    [property: JsonPropertyName("latency_p95_ms")] double? LatencyP95Milliseconds,
    [property: JsonPropertyName("ewma_latency_ms")] double? EwmaLatencyMilliseconds,
    [property: JsonPropertyName("baseline_latency_ms")] double? BaselineLatencyMilliseconds,
    [property: JsonPropertyName("error_rate")] double ErrorRate,
    [property: JsonPropertyName("anomaly"), JsonConverter(typeof(JsonStringEnumConverter<AnomalyState>))] AnomalyState Anomaly,
    [property: JsonPropertyName("anomaly_signal"), JsonConverter(typeof(JsonStringEnumConverter<AnomalySignal>))] AnomalySignal AnomalySignal,
    [property: JsonPropertyName("breaker_state")] string? BreakerState,
    [property: JsonPropertyName("health_score")] int HealthScore,
    [property: JsonPropertyName("status")] string Status);
