using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests;

public class GatewaySmokeTests
{
    [Fact]
    public async Task Get_IsForwarded_WithProviderHeaders()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/hello?x=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("primary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal("1", response.Headers.GetValues("X-Bulwark-Attempts").Single());
        Assert.Equal("/api/hello?x=1", primary.Snapshot().Single().PathAndQuery);
    }

    [Fact]
    public async Task Retried503_Succeeds()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n <= 2 ? Task.FromResult(context.Response.StatusCode = 503) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/hello");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3", response.Headers.GetValues("X-Bulwark-Attempts").Single());
        Assert.Equal(3, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }
}
