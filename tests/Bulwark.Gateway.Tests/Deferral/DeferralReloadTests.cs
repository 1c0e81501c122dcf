using System.Net;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>A request deferred before a reload is delivered along the route as the reload left it.</summary>
public sealed class DeferralReloadTests
{
    [Fact]
    public async Task DeferredRequest_AfterAReloadMovesTheRouteToAnotherProvider_IsDeliveredThere()
    {
        await using var oldProvider = await Upstream.StartAsync();
        oldProvider.Behaviour = Upstream.Status(503);
        await using var newProvider = await Upstream.StartAsync();
        newProvider.Behaviour = static async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{}");
        };

        using var file = ConfigFile.Create(DeferralConfigs.Payments(oldProvider.BaseAddress, credentials: false));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        using var accepted = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "moved-1", """{"amount":7}"""));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        file.Replace(DeferralConfigs.Payments(newProvider.BaseAddress, credentials: false));
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();
        await Poll.UntilAsync(() => live.Generation >= 2, "the reload to be applied");

        await DeferralTests.PollStateAsync(gateway, accepted.Headers.Location!.ToString(), "delivered");
        var delivered = Assert.Single(newProvider.Snapshot());
        Assert.Equal("moved-1", delivered.Headers["Idempotency-Key"]);
    }
}
