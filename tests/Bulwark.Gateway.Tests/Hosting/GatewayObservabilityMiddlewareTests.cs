using Bulwark.AspNetCore.Observability;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Hosting;

/// <summary>
/// The gateway adds its request telemetry, correlation, request log and error-rate counting as one middleware, which
/// leaves out a part whose services are missing instead of refusing to start: the gateway's own services carry all four.
/// </summary>
public class GatewayObservabilityMiddlewareTests
{
    [Fact]
    public async Task Gateway_RegistersEveryPartOfItsObservabilityMiddleware()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress));

        var middleware = new BulwarkObservabilityMiddleware(static _ => Task.CompletedTask, gateway.Services);

        Assert.Equal((true, true, true), (middleware.HasTelemetry, middleware.HasRequestLogging, middleware.HasErrorRate));
    }
}
