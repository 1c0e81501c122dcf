using OpenTelemetry.Exporter;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// How <c>AddBulwarkTelemetry</c> sets up OpenTelemetry. Bound from <c>Bulwark:Telemetry</c>; nothing is required.
/// </summary>
public sealed class BulwarkTelemetryOptions
{
    /// <summary>Gets or sets the OTLP collector to push metrics and traces to, as an absolute http(s) URI.</summary>
    /// <value>Default <see langword="null"/>: no OTLP exporter (metrics are still scraped from <c>MapBulwarkMetrics</c>).</value>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Gets or sets the OTLP protocol.</summary>
    /// <value>Default <see cref="OtlpExportProtocol.Grpc"/> (a collector usually listens on port 4317 for gRPC, 4318 for HTTP/protobuf).</value>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>Gets or sets the <c>service.name</c> resource attribute.</summary>
    /// <value>Default <c>bulwark</c>; must not be empty.</value>
    public string ServiceName { get; set; } = "bulwark";
}
