using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Prometheus scrape endpoint.</summary>
public static class BulwarkMetricsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <paramref name="pattern"/> to the OpenTelemetry Prometheus exporter registered by
    /// <c>AddBulwarkPrometheusExporter</c>: every exported meter (<c>Bulwark</c>, <c>Polly</c>) in the Prometheus text
    /// format, for example <c>http_server_request_duration_seconds</c> and <c>bulwark_circuit_breaker_state</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The route; default <c>/metrics</c>.</param>
    /// <returns>The endpoint's convention builder (for example to require authorization or a host).</returns>
    /// <exception cref="InvalidOperationException"><c>AddBulwarkPrometheusExporter</c> was not called.</exception>
    public static IEndpointConventionBuilder MapBulwarkMetrics(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/metrics")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (endpoints.ServiceProvider.GetService<BulwarkPrometheusMarker>() is null)
        {
            throw new InvalidOperationException("The Prometheus exporter is not registered: call services.AddBulwarkPrometheusExporter() (and services.AddBulwarkTelemetry(configuration)) first.");
        }

        return endpoints.MapPrometheusScrapingEndpoint(pattern);
    }
}
