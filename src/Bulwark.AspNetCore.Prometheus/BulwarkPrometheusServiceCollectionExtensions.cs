using OpenTelemetry.Metrics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds OpenTelemetry's Prometheus exporter to the metrics that <c>AddBulwarkTelemetry</c> sets up.</summary>
public static class BulwarkPrometheusServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Prometheus exporter to the application's OpenTelemetry meter provider, so that every meter it exports
    /// (<c>Bulwark</c> and <c>Polly</c> with <c>AddBulwarkTelemetry</c>) can be scraped from the endpoint that
    /// <c>MapBulwarkMetrics</c> maps. Safe to call more than once, before or after <c>AddBulwarkTelemetry</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddBulwarkPrometheusExporter(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static d => d.ServiceType == typeof(BulwarkPrometheusMarker)))
        {
            return services;
        }

        services.AddSingleton<BulwarkPrometheusMarker>();
        services.ConfigureOpenTelemetryMeterProvider(static metrics => metrics.AddPrometheusExporter());
        return services;
    }
}
