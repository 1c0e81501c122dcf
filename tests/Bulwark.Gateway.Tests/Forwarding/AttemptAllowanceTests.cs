using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// A route's attempt allowance (<c>Routes[]:MaxAttempts</c>, by default the sum of its providers' attempts): a provider
/// whose breaker is open leaves its attempts to the providers that can still serve.
/// </summary>
public class AttemptAllowanceTests
{
    [Theory]
    [InlineData("", HttpStatusCode.OK, 5)]
    [InlineData(""", "MaxAttempts": 4""", HttpStatusCode.BadGateway, 4)]
    public async Task FirstProviderBreakerOpen_SecondGetsTheAllowance(string routeExtra, HttpStatusCode expected, int secondAttempts)
    {
        using var dead = ClosedPort.Open();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(dead.Address, secondary.BaseAddress, routeExtra: routeExtra));

        // Requests served by the live provider trip the dead one's breaker: at least one refused attempt each while it
        // is closed, five in a row open it.
        for (int i = 0; i < 6; i++)
        {
            using var warm = await gateway.Client.GetAsync("/api/warm");
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        // Now the live provider fails its next four calls: its own three attempts are not enough; the default allowance
        // (3 + 3) is, and an allowance of 4 is not. (Five failures in a row would open its own breaker.)
        int start = secondary.Requests;
        secondary.Behaviour = (context, n) => n - start <= 4
            ? Upstream.Status(StatusCodes.Status503ServiceUnavailable)(context, n)
            : Upstream.Ok(context, n);

        using var response = await gateway.Client.GetAsync("/api/chat");

        Assert.True(expected == response.StatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(secondAttempts, secondary.Requests - start);
    }

    [Fact]
    public void MaxAttemptsBelowTheNumberOfProviders_IsRefused()
    {
        using var dead = ClosedPort.Open();
        string json = Configs.TwoProviders(dead.Address, dead.Address, routeExtra: """, "MaxAttempts": 1""");

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal(["Bulwark:Routes:0:MaxAttempts: 1 is out of range; allowed the number of providers (2) to 1000."], error.Failures);
    }
}
