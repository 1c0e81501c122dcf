using OpenTelemetry.Exporter;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// How <c>AddBulwarkTelemetry</c> sets up OpenTelemetry. Bound from <c>Bulwark:Telemetry</c>; nothing is required.
/// </summary>
public sealed class BulwarkTelemetryOptions
{
    /// <summary>
    /// Gets or sets the OTLP collector to push metrics, traces and logs to, as an absolute http(s) URI: over HTTP/protobuf
    /// the base under which each signal's path (<c>v1/traces</c>, <c>v1/metrics</c>, <c>v1/logs</c>) is added, over gRPC
    /// the endpoint itself. <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, <c>_METRICS_ENDPOINT</c> and <c>_LOGS_ENDPOINT</c>,
    /// when set, are used for their signal as they are.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: the <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable's, else no OTLP export (metrics can
    /// still be scraped with the Bulwark.AspNetCore.Prometheus package).
    /// </value>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Gets or sets the OTLP protocol.</summary>
    /// <value>
    /// When not set: the <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> variable's (<c>grpc</c> or <c>http/protobuf</c>), else
    /// <see cref="OtlpExportProtocol.Grpc"/> (a collector usually listens on port 4317 for gRPC, 4318 for HTTP/protobuf).
    /// </value>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>Gets or sets the <c>service.name</c> resource attribute.</summary>
    /// <value>When not set: the <c>OTEL_SERVICE_NAME</c> variable's, else <c>bulwark</c>; must not be empty.</value>
    public string ServiceName { get; set; } = "bulwark";
}
