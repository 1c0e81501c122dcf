namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Marks the services as having the Prometheus exporter: a second call adds nothing, and mapping the endpoint checks it.</summary>
internal sealed class BulwarkPrometheusMarker;
