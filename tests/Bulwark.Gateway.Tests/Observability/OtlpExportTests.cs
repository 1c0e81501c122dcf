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
    [InlineData("HttpProtobuf", "HTTP/1.1", "application/x-protobuf", "/")]
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

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
