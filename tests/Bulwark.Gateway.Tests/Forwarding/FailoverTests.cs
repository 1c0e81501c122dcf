using System.Net;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Tests.Forwarding;

public class FailoverTests
{
    [Fact]
    public async Task Get_PrimaryAlways503_BreakerOpens_ThenTrafficGoesStraightToSecondary()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));
        var breaker = gateway.Services.GetRequiredService<GatewayRouteTable>().Providers["primary"].Pipeline.CircuitBreaker!;

        // Each request tries the primary three times (two retries) before failing over; five failures in a row open it.
        for (int i = 0; i < 2; i++)
        {
            using var failingOver = await gateway.Client.GetAsync("/api/models");
            Assert.Equal(HttpStatusCode.OK, failingOver.StatusCode);
            Assert.Equal("secondary", failingOver.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        int primaryCalls = primary.Requests;
        Assert.Equal(5, primaryCalls);

        for (int i = 0; i < 5; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/models");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
            Assert.Equal("1", response.Headers.GetValues("X-Bulwark-Attempts").Single());
        }

        Assert.Equal(primaryCalls, primary.Requests);
        Assert.Equal(7, secondary.Requests);
    }

    /// <summary>
    /// Both providers' breakers open at once: without a panic threshold every request is refused with 503 until a break
    /// ends; with <c>PanicThreshold</c> the route tries them anyway, in order, and serves what they can — without moving
    /// their breakers.
    /// </summary>
    [Theory]
    [InlineData(null, HttpStatusCode.ServiceUnavailable)]
    [InlineData(50, HttpStatusCode.OK)]
    public async Task EveryBreakerOpen_PanicThreshold_TriesThemAnyway(int? panicThreshold, HttpStatusCode expected)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        secondary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, routeExtra: panicThreshold is null ? null : $", \"PanicThreshold\": {panicThreshold}"));
        var table = gateway.Services.GetRequiredService<GatewayRouteTable>();
        for (int i = 0; i < 2; i++)
        {
            using var failing = await gateway.Client.GetAsync("/api/models");
        }

        Assert.All(table.Providers.Values, static p => Assert.Equal(CircuitState.Open, p.Pipeline.CircuitBreaker!.State));

        // The secondary recovers; its breaker is still open for its break.
        secondary.Behaviour = Upstream.Ok;
        int secondaryCalls = secondary.Requests;
        using var response = await gateway.Client.GetAsync("/api/models");

        Assert.Equal(expected, response.StatusCode);
        if (panicThreshold is null)
        {
            Assert.Equal(secondaryCalls, secondary.Requests);
        }
        else
        {
            Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
            Assert.All(table.Providers.Values, static p => Assert.Equal(CircuitState.Open, p.Pipeline.CircuitBreaker!.State));
        }
    }

    [Fact]
    public async Task Get_PrimaryRefusesConnections_FailsOverToSecondary()
    {
        await using var secondary = await Upstream.StartAsync();
        using var primary = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.Address, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(1, secondary.Requests);
    }
}
