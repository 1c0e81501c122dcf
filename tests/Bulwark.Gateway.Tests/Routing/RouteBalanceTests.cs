using System.Net;
using Bulwark.Failover;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Routing;

/// <summary><c>Routes[i]:Balance</c> over real upstreams: which provider each request goes to first.</summary>
public sealed class RouteBalanceTests
{
    private static string ThreeProviders(Upstream a, Upstream b, Upstream c, string routeExtra) => $$"""
        {
          "Bulwark": {
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": {
              "a": { "BaseUrl": "{{a.BaseAddress.ToString().TrimEnd('/')}}" },
              "b": { "BaseUrl": "{{b.BaseAddress.ToString().TrimEnd('/')}}" },
              "c": { "BaseUrl": "{{c.BaseAddress.ToString().TrimEnd('/')}}" }
            },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "a", "b", "c" ] {{routeExtra}} } ]
          }
        }
        """;

    [Fact]
    public async Task RoundRobin_SpreadsRequestsEvenlyOverThreeUpstreams()
    {
        await using var a = await Upstream.StartAsync();
        await using var b = await Upstream.StartAsync();
        await using var c = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(ThreeProviders(a, b, c, """, "Balance": "RoundRobin" """));

        for (int i = 0; i < 30; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/models");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal([10, 10, 10], new[] { a.Requests, b.Requests, c.Requests });
    }

    [Fact]
    public async Task Ordered_ByDefault_EveryRequestGoesToTheFirst()
    {
        await using var a = await Upstream.StartAsync();
        await using var b = await Upstream.StartAsync();
        await using var c = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(ThreeProviders(a, b, c, ""));

        for (int i = 0; i < 6; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/models");
        }

        Assert.Equal([6, 0, 0], new[] { a.Requests, b.Requests, c.Requests });
    }

    /// <summary>
    /// One upstream answers every request but slowly (300 ms against a 50 ms goal), another fails with 500 (its failures
    /// fail over, so every request is served): the bandit learns both and sends most first attempts to the healthy one.
    /// </summary>
    [Fact]
    public async Task Bandit_MovesTrafficAwayFromASlowAndAFailingUpstream()
    {
        await using var slow = await Upstream.StartAsync();
        await using var failing = await Upstream.StartAsync();
        await using var healthy = await Upstream.StartAsync();
        slow.Behaviour = static async (context, n) =>
        {
            await Task.Delay(300, context.RequestAborted);
            await Upstream.Ok(context, n);
        };
        failing.Behaviour = Upstream.Status(500);
        await using var gateway = await GatewayUnderTest.StartAsync(ThreeProviders(slow, failing, healthy, """, "Balance": "Bandit", "BalanceLatencyGoal": "00:00:00.050" """));

        const int Requests = 80;
        for (int i = 0; i < Requests; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/models");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The others are tried first only while being learnt (the failing one's attempts include its retries).
        Assert.True(healthy.Requests >= Requests - 16, $"healthy upstream served {healthy.Requests} of {Requests}");
        Assert.True(slow.Requests <= 16, $"slow upstream served {slow.Requests} of {Requests}");
        Assert.True(failing.Requests <= 3 * 16, $"failing upstream was tried {failing.Requests} times in {Requests} requests");
    }

    [Fact]
    public async Task BanditSettings_ReachTheRoutesChain()
    {
        await using var a = await Upstream.StartAsync();
        await using var b = await Upstream.StartAsync();
        await using var c = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(ThreeProviders(a, b, c, """, "Balance": "Bandit", "BalanceWeights": { "Success": 2, "Latency": 0.25 }, "BalanceLatencyGoal": "00:00:02" """));

        var chain = gateway.Services.GetRequiredService<GatewayRouteTable>().Routes[0].Chain;
        Assert.Equal(FailoverBalance.Bandit, chain.Balance);
        Assert.Equal(2, chain.Balancer!.SuccessWeight);
        Assert.Equal(0.25, chain.Balancer.LatencyWeight);
        Assert.Equal(TimeSpan.FromSeconds(2), chain.Balancer.LatencyGoal);
    }
}
