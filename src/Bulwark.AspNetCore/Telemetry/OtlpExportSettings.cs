using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// Where each signal is exported over OTLP, from <c>Bulwark:Telemetry</c> and, for what that section leaves unset, the
/// standard OpenTelemetry variables: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (enables export on its own),
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> or <c>http/protobuf</c>), <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>,
/// <c>_METRICS_ENDPOINT</c> and <c>_LOGS_ENDPOINT</c> (used as they are), and <c>OTEL_SERVICE_NAME</c>. Over HTTP/protobuf
/// a base endpoint gets each signal's path (<c>v1/traces</c>, <c>v1/metrics</c>, <c>v1/logs</c>), as the specification
/// says; over gRPC every signal goes to the endpoint itself.
/// </summary>
/// <param name="Protocol">The protocol of every signal.</param>
/// <param name="Traces">Where traces go, or <see langword="null"/>: not exported.</param>
/// <param name="Metrics">Where metrics go, or <see langword="null"/>: not exported.</param>
/// <param name="Logs">Where logs go, or <see langword="null"/>: not exported.</param>
/// <param name="ServiceName">The <c>service.name</c> resource attribute.</param>
internal sealed record OtlpExportSettings(OtlpExportProtocol Protocol, Uri? Traces, Uri? Metrics, Uri? Logs, string ServiceName)
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string TracesEndpointVariable = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string MetricsEndpointVariable = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string LogsEndpointVariable = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
    public const string ServiceNameVariable = "OTEL_SERVICE_NAME";

    /// <summary>Gets a value indicating whether any signal is exported.</summary>
    public bool Exports => Traces is not null || Metrics is not null || Logs is not null;

    /// <summary>
    /// Resolves the settings; <paramref name="configuration"/> is the application's root configuration, whose environment
    /// variables carry the <c>OTEL_*</c> ones. Adds a message to <paramref name="errors"/> for each invalid value.
    /// </summary>
    public static OtlpExportSettings Resolve(IConfiguration configuration, BulwarkTelemetryOptions options, string sectionName, List<string> errors)
    {
        var section = configuration.GetSection(sectionName);
        OtlpExportProtocol protocol = options.OtlpProtocol;
        if (section["OtlpProtocol"] is null && configuration[ProtocolVariable] is { Length: > 0 } named)
        {
            switch (named.Trim())
            {
                case "grpc":
                    protocol = OtlpExportProtocol.Grpc;
                    break;
                case "http/protobuf":
                    protocol = OtlpExportProtocol.HttpProtobuf;
                    break;
                default:
                    errors.Add($"{ProtocolVariable} must be grpc or http/protobuf; got '{named}'.");
                    break;
            }
        }

        Uri? endpoint = options.OtlpEndpoint;
        if (endpoint is null && configuration[EndpointVariable] is { Length: > 0 } baseText)
        {
            endpoint = Absolute(EndpointVariable, baseText, errors);
        }
        else if (endpoint is not null && !IsHttp(endpoint))
        {
            errors.Add($"{sectionName}:OtlpEndpoint must be an absolute http or https URI, such as http://localhost:4317; got '{endpoint.OriginalString}'.");
            endpoint = null;
        }

        string serviceName = section["ServiceName"] is null && configuration[ServiceNameVariable] is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : options.ServiceName;
        return new OtlpExportSettings(
            protocol,
            Signal(configuration, TracesEndpointVariable, endpoint, protocol, "v1/traces", errors),
            Signal(configuration, MetricsEndpointVariable, endpoint, protocol, "v1/metrics", errors),
            Signal(configuration, LogsEndpointVariable, endpoint, protocol, "v1/logs", errors),
            serviceName);
    }

    /// <summary>The base endpoint with a signal's path appended: <c>http://host:4318</c> → <c>http://host:4318/v1/traces</c>.</summary>
    public static Uri WithSignalPath(Uri endpoint, string signalPath)
    {
        string text = endpoint.AbsoluteUri;
        return new Uri(text.EndsWith('/') ? text + signalPath : text + "/" + signalPath);
    }

    private static Uri? Signal(IConfiguration configuration, string variable, Uri? endpoint, OtlpExportProtocol protocol, string signalPath, List<string> errors)
    {
        if (configuration[variable] is { Length: > 0 } own)
        {
            return Absolute(variable, own, errors);
        }

        return endpoint is null ? null : protocol == OtlpExportProtocol.HttpProtobuf ? WithSignalPath(endpoint, signalPath) : endpoint;
    }

    private static Uri? Absolute(string name, string text, List<string> errors)
    {
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && IsHttp(uri))
        {
            return uri;
        }

        errors.Add($"{name} must be an absolute http or https URI, such as http://localhost:4317; got '{text}'.");
        return null;
    }

    private static bool IsHttp(Uri uri) => uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
