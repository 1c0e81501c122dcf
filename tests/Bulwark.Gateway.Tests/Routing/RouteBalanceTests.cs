using System.Net;
using Bulwark.Failover;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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
        // The gateway's clock is a fake one that the slow upstream moves on by 300 ms per answer: that is the time the
        // bandit measures for it, with no real wait.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        slow.Behaviour = (context, n) =>
        {
            time.Advance(TimeSpan.FromMilliseconds(300));
            return Upstream.Ok(context, n);
        };
        failing.Behaviour = Upstream.Status(500);
        await using var gateway = await GatewayUnderTest.StartAsync(ThreeProviders(slow, failing, healthy, """, "Balance": "Bandit", "BalanceLatencyGoal": "00:00:00.050" """), timeProvider: time);

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

    /// <summary>An AI route balanced on cost: the gateway feeds each request's cost to the bandit, which then prefers the cheapest provider.</summary>
    [Fact]
    public async Task BanditWithCostWeight_PrefersTheCheapestProvider()
    {
        await using var a = await Upstream.StartAsync();
        await using var b = await Upstream.StartAsync();
        await using var c = await Upstream.StartAsync();
        foreach (var upstream in new[] { a, b, c })
        {
            upstream.Behaviour = Usage.AiWireFixtures.Json(Usage.AiWireFixtures.OpenAiChatCompletion);
        }

        string Prices(decimal price) => $$""", "Prices": { "gpt-4o-mini": { "Input": {{price}}, "Output": {{price}} } }""";
        string json = ThreeProviders(a, b, c, """, "Api": "OpenAI", "Balance": "Bandit", "BalanceWeights": { "Success": 0.1, "Latency": 0, "Cost": 1 } """)
            .Replace("\"a\": { \"BaseUrl\": \"" + a.BaseAddress.ToString().TrimEnd('/') + "\"", "\"a\": { \"BaseUrl\": \"" + a.BaseAddress.ToString().TrimEnd('/') + "\"" + Prices(10), StringComparison.Ordinal)
            .Replace("\"b\": { \"BaseUrl\": \"" + b.BaseAddress.ToString().TrimEnd('/') + "\"", "\"b\": { \"BaseUrl\": \"" + b.BaseAddress.ToString().TrimEnd('/') + "\"" + Prices(0.1m), StringComparison.Ordinal)
            .Replace("\"c\": { \"BaseUrl\": \"" + c.BaseAddress.ToString().TrimEnd('/') + "\"", "\"c\": { \"BaseUrl\": \"" + c.BaseAddress.ToString().TrimEnd('/') + "\"" + Prices(10), StringComparison.Ordinal);
        Assert.Equal(3, json.Split("\"Prices\"").Length - 1);
        await using var gateway = await GatewayUnderTest.StartAsync(json);

        var servedBy = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            using var response = await gateway.Client.PostAsync("/api/v1/chat/completions", Usage.AiWireFixtures.JsonContent(Usage.AiWireFixtures.ChatRequest));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            servedBy.Add(response.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        // Each is tried while its cost is unknown; then the cheapest (a hundredth of the others) serves nearly all.
        Assert.InRange(servedBy.Skip(20).Count(static p => p == "b"), 18, 20);
    }
}
