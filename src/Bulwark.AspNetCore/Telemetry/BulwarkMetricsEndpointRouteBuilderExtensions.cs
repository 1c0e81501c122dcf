using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Prometheus scrape endpoint.</summary>
public static class BulwarkMetricsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <paramref name="pattern"/> to the OpenTelemetry Prometheus exporter registered by <c>AddBulwarkTelemetry</c>:
    /// every exported meter (<c>Bulwark</c>, <c>Polly</c>) in the Prometheus text format, for example
    /// <c>http_server_request_duration_seconds</c> and <c>bulwark_circuit_breaker_state</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The route; default <c>/metrics</c>.</param>
    /// <returns>The endpoint's convention builder (for example to require authorization or a host).</returns>
    public static IEndpointConventionBuilder MapBulwarkMetrics(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        return endpoints.MapPrometheusScrapingEndpoint(pattern);
    }
}
