using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// The W3C trace context reaches every provider: the client's trace continued (its trace id and flags, its
/// <c>tracestate</c>, a parent id that is the gateway's, not the client's; the gateway records nothing, so the sampled
/// flag is the client's decision), or a trace the gateway starts, whose id is
/// the correlation id it answers with. Each attempt of one request carries the same trace.
/// </summary>
public class TraceContextTests
{
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";

    [Fact]
    public async Task ClientTraceparent_IsContinued_WithTheGatewaysParentId_ItsSampledFlag_AndTracestate()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.Add("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
        request.Headers.Add("tracestate", "vendor=abc");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(primary.Snapshot()).Headers;
        var (traceId, parentId, flagsSeen) = Parse(received["traceparent"]);
        Assert.Equal("01", flagsSeen);
        Assert.Equal(ClientTraceId, traceId);
        Assert.NotEqual(ClientSpanId, parentId);
        Assert.Equal("vendor=abc", received["tracestate"]);
    }

    [Fact]
    public async Task NoTraceparent_TheGatewayStartsATrace_WhoseIdIsTheCorrelationId()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/x");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (traceId, _, _) = Parse(Assert.Single(primary.Snapshot()).Headers["traceparent"]);
        Assert.Equal(response.Headers.GetValues("X-Correlation-ID").Single(), traceId);
    }

    [Fact]
    public async Task EveryAttempt_CarriesTheSameTrace_AndTheClientsParentIdIsNeverPassedOn()
    {
        await using var primary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.Add("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-00");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var attempts = primary.Snapshot().Concat(secondary.Snapshot()).Select(r => Parse(r.Headers["traceparent"])).ToList();
        Assert.True(attempts.Count >= 2, $"expected a failed attempt and a served one, got {attempts.Count}");
        Assert.All(attempts, a => Assert.Equal((ClientTraceId, "00"), (a.TraceId, a.Flags)));
        Assert.All(attempts, a => Assert.NotEqual(ClientSpanId, a.ParentId));
    }

    /// <summary>
    /// With traces exported, the request has recorded activities: each attempt sends the trace on from the gateway's current
    /// span (through the configured propagator), recorded, and never the client's span id.
    /// </summary>
    [Fact]
    public async Task TracesExported_ClientTraceparent_IsContinuedFromTheGatewaysRecordedSpan()
    {
        await using var collector = await OtlpReceiver.StartAsync(Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress,
            bulwarkExtra: $$""" "Telemetry": { "OtlpEndpoint": "{{collector.BaseAddress}}", "OtlpProtocol": "HttpProtobuf" }, """));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.Add("traceparent", $"00-{ClientTraceId}-{ClientSpanId}-01");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (traceId, parentId, flags) = Parse(Assert.Single(primary.Snapshot()).Headers["traceparent"]);
        Assert.Equal((ClientTraceId, "01"), (traceId, flags));
        Assert.NotEqual(ClientSpanId, parentId);
    }

    private static (string TraceId, string ParentId, string Flags) Parse(string? traceparent)
    {
        Assert.NotNull(traceparent);
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$", traceparent);
        string[] parts = traceparent.Split('-');
        return (parts[1], parts[2], parts[3]);
    }
}
