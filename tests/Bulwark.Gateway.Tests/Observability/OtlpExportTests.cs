using System.Net;
using System.Text;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Bulwark.Gateway.Tests.Observability;

/// <summary>
/// <c>Bulwark:Telemetry</c>: the gateway pushes the traces of the requests it forwards to the OTLP collector at
/// <c>OtlpEndpoint</c>, in <c>OtlpProtocol</c>, under the <c>service.name</c> <c>ServiceName</c>.
/// </summary>
public sealed class OtlpExportTests
{
    private const string ServiceName = "edge-gateway-under-test";

    /// <summary>
    /// A collector that speaks only the configured protocol receives the request's spans with the configured service
    /// name (gRPC is the default; the default service name is <c>bulwark</c>; without an endpoint nothing is pushed).
    /// </summary>
    [Theory]
    [InlineData("Grpc", "HTTP/2", "application/grpc", "/opentelemetry.proto.collector.trace.v1.TraceService/Export")]
    [InlineData("HttpProtobuf", "HTTP/1.1", "application/x-protobuf", "/v1/traces")]
    public async Task ForwardedRequest_ItsSpansArePushedToTheOtlpEndpoint_InTheOtlpProtocol_UnderTheServiceName(string protocol, string httpVersion, string mediaType, string path)
    {
        await using var collector = await OtlpReceiver.StartAsync(protocol == "Grpc" ? HttpProtocols.Http2 : HttpProtocols.Http1);
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            upstream.BaseAddress,
            upstream.BaseAddress,
            bulwarkExtra: $$""" "Telemetry": { "OtlpEndpoint": "{{collector.BaseAddress}}", "OtlpProtocol": "{{protocol}}", "ServiceName": "{{ServiceName}}" }, """));

        using (var response = await gateway.Client.GetAsync("/api/traced"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Spans are batched: flush until the request's spans (ended once its response is done) have gone out. (Without an
        // endpoint the gateway builds no tracer provider at all.)
        var tracing = gateway.Services.GetService<TracerProvider>();
        await Poll.UntilAsync(
            () =>
            {
                tracing?.ForceFlush(5000);
                return collector.Exports.Any(e => e.Path == path);
            },
            "the request's spans to reach the collector");

        var export = collector.Exports.First(e => e.Path == path);
        Assert.Equal(httpVersion, export.Protocol);
        Assert.StartsWith(mediaType, export.ContentType, StringComparison.Ordinal);
        Assert.True(Contains(export.Body, Encoding.UTF8.GetBytes(ServiceName)), "the export does not carry the configured service name");
    }

    /// <summary>
    /// The standard variables alone, no <c>Bulwark:Telemetry</c> section: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> turns export
    /// on, <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> picks HTTP, and each signal is posted under the endpoint at its
    /// own path; <c>OTEL_SERVICE_NAME</c> names the service, and the exporter's own variables (the export intervals) apply.
    /// </summary>
    [Fact]
    public async Task OtelVariablesAlone_EnableExport_AndHttpProtobufPostsTracesMetricsAndLogsToTheirPaths()
    {
        await using var collector = await OtlpReceiver.StartAsync(HttpProtocols.Http1);
        await using var upstream = await Upstream.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.BaseAddress.ToString().TrimEnd('/') + "/collector",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = ServiceName,
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        };
        await using var gateway = await GatewayProcess.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress), environment: environment);
        using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(10) };

        string[] paths = ["/collector/v1/traces", "/collector/v1/metrics", "/collector/v1/logs"];
        using (var response = await client.GetAsync("/api/exported"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Batches go out on their own schedules: the request's log line may come in a later batch than the first logs.
        byte[] requestPath = Encoding.UTF8.GetBytes("/api/exported");
        await Poll.UntilAsync(
            () => paths.All(p => collector.Exports.Any(e => e.Path == p)) && collector.Exports.Any(e => e.Path == paths[2] && Contains(e.Body, requestPath)),
            "traces, metrics and logs at their paths under the endpoint",
            TimeSpan.FromSeconds(30));

        var exports = collector.Exports;
        Assert.All(exports, e => Assert.Contains(e.Path, paths));
        Assert.All(exports, e => Assert.Equal("HTTP/1.1", e.Protocol));
        Assert.All(exports, e => Assert.StartsWith("application/x-protobuf", e.ContentType, StringComparison.Ordinal));
        Assert.True(Contains(exports.First(e => e.Path == paths[0]).Body, Encoding.UTF8.GetBytes(ServiceName)), "the traces do not carry OTEL_SERVICE_NAME");
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
