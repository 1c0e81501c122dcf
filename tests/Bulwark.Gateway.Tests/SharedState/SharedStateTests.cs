using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using RedisServer = Bulwark.Storage.Redis.Tests.Infrastructure.RedisServer;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Tests.SharedState;

/// <summary>Three gateways behind one load balancer, sharing breakers and per-client rates on a real Redis.</summary>
public sealed class SharedStateTests : IAsyncLifetime
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private RedisServer _redis = null!;
    private Upstream _provider = null!;
    private readonly List<GatewayUnderTest> _fleet = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _provider = await Upstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _fleet)
        {
            await gateway.DisposeAsync();
        }

        await _provider.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ProviderDies_OneGatewayOpensItsBreaker_TheOthersStopCallingItWithin1s_AndOnlyTheFirstProbes()
    {
        await StartFleetAsync(Fleet(routeExtra: null, sharedExtra: "\"ProbeGrace\": \"00:00:05\""));
        var probesByOthers = 0;
        foreach (var other in _fleet.Skip(1))
        {
            Breaker(other).StateChanged += (_, t) =>
            {
                if (t.To == CircuitState.HalfOpen)
                {
                    Interlocked.Increment(ref probesByOthers);
                }
            };
        }

        _provider.Behaviour = Upstream.Status(503);
        var clock = Stopwatch.StartNew();
        while (Breaker(_fleet[0]).State != CircuitState.Open)
        {
            await _fleet[0].Client.GetAsync(new Uri("/api/x", UriKind.Relative));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "gateway 0's breaker did not open");
        }

        var opened = clock.Elapsed;
        await Poll.UntilAsync(() => _fleet.All(g => Breaker(g).State == CircuitState.Open), "every gateway's breaker open within 1 s of the first", TimeSpan.FromSeconds(1));
        int calls = _provider.Requests;
        var ownerUntil = Breaker(_fleet[0]).CreateSnapshot().OpenUntil!.Value;
        Assert.All(_fleet.Skip(1), g => Assert.Equal(ownerUntil + TimeSpan.FromSeconds(5), Breaker(g).CreateSnapshot().OpenUntil!.Value, TimeSpan.FromMilliseconds(5)));

        // The others answer at once without calling the dead provider.
        for (int i = 0; i < 10; i++)
        {
            using var response = await _fleet[1 + (i % 2)].Client.GetAsync(new Uri("/api/x", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(calls, _provider.Requests);

        // The break (1 s) ends: gateway 0 probes alone; the provider is back, so every gateway closes.
        _provider.Behaviour = Upstream.Ok;
        int before = _provider.Requests;
        var recovery = Stopwatch.StartNew();
        while (!_fleet.All(g => Breaker(g).State == CircuitState.Closed))
        {
            foreach (var gateway in _fleet.Where(g => Breaker(g).State != CircuitState.Closed))
            {
                (await gateway.Client.GetAsync(new Uri("/api/x", UriKind.Relative))).Dispose();
            }

            Assert.True(recovery.Elapsed < TimeSpan.FromSeconds(15), "not every gateway closed after the provider came back");
            await Task.Delay(PollInterval);
        }

        // Requests to closed gateways are not sent above: what reached the provider is the probe, and any request a
        // gateway forwarded in the moment between gateway 0's close and its own.
        Assert.InRange(_provider.Requests - before, 1, 3);
        Assert.Equal(0, Volatile.Read(ref probesByOthers));
        Assert.True(opened < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task AClientLimitOf30PerMinute_HoldsForTheFleet_90RequestsSpreadOverThreeGateways_Serve30()
    {
        await StartFleetAsync(Fleet(routeExtra: ", \"RateLimit\": { \"RequestsPerMinutePerClient\": 30 }", sharedExtra: null, fromEnvironment: true));
        await FleetWaits.FreshMinuteAsync(_redis.Configuration);
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 90; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/x", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("X-Api-Key", "client-one");
            using var response = await _fleet[i % 3].Client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(60, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(30, _provider.Requests);
    }

    [Theory]
    [InlineData("FailOpen", HttpStatusCode.OK)]
    [InlineData("FailClosed", HttpStatusCode.TooManyRequests)]
    public async Task RedisGone_NoRequestWaitsOnIt_LimitsDecideAsConfigured_AndReadinessSaysDegraded(string mode, HttpStatusCode expected)
    {
        await StartFleetAsync(Fleet(routeExtra: ", \"RateLimit\": { \"RequestsPerMinutePerClient\": 5 }", sharedExtra: $"\"OnRedisFailure\": \"{mode}\""), count: 1);
        var gateway = _fleet[0];
        await _redis.StopAsync();

        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 10; i++)
        {
            var one = Stopwatch.StartNew();
            using var response = await gateway.Client.GetAsync(new Uri("/api/x", UriKind.Relative));
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
            Assert.Equal(expected, response.StatusCode);
        }

        Assert.True(slowest < TimeSpan.FromSeconds(1.5), $"a request took {slowest} with Redis gone (OperationTimeout 1 s)");
        using var ready = await gateway.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        string body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("shared-state", body, StringComparison.Ordinal);
        Assert.Contains("Degraded", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Redis cannot be reached from instance gateway-0", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RedisSlow_ALimitedRequestWaitsNoLongerThanTheOperationTimeout()
    {
        await StartFleetAsync(Fleet(routeExtra: ", \"RateLimit\": { \"RequestsPerMinutePerClient\": 100 }", sharedExtra: "\"OperationTimeout\": \"00:00:00.200\""), count: 1);
        (await _fleet[0].Client.GetAsync(new Uri("/api/x", UriKind.Relative))).Dispose(); // connected, code warm
        await _redis.SleepAsync(TimeSpan.FromSeconds(3));

        var clock = Stopwatch.StartNew();
        using var response = await _fleet[0].Client.GetAsync(new Uri("/api/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // FailOpen: served without the shared count
        // Checked every 100 ms (half the timeout): at most about 300 ms, against up to 1.2 s with the client's default
        // one-second heartbeat; the bound leaves room for a busy machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed} while Redis slept 3 s (OperationTimeout 200 ms)");
    }

    [Fact]
    public async Task KeyPrefix_KeepsTwoFleetsApart_OnOneRedis()
    {
        await StartFleetAsync(Fleet(routeExtra: ", \"RateLimit\": { \"RequestsPerMinutePerClient\": 5 }", sharedExtra: "\"KeyPrefix\": \"blue\""), count: 1);
        await StartFleetAsync(Fleet(routeExtra: ", \"RateLimit\": { \"RequestsPerMinutePerClient\": 5 }", sharedExtra: "\"KeyPrefix\": \"green\""), count: 1);
        await FleetWaits.FreshMinuteAsync(_redis.Configuration);
        int served = 0;
        for (int i = 0; i < 20; i++)
        {
            using var response = await _fleet[i % 2].Client.GetAsync(new Uri("/api/x", UriKind.Relative));
            served += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal(10, served); // 5 for each fleet: each counts its own
    }

    private static string Fleet(string? routeExtra, string? sharedExtra, bool fromEnvironment = false) => """
        {
          "Bulwark": {
            "SharedState": { "Provider": "Redis", "InstanceId": "{instance}", {redisSetting} {sharedExtra} },
            "Pipelines": { "default": {
              "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:01", "BreakDurationGrowthFactor": 1, "HalfOpenMaxCalls": 1, "SuccessThreshold": 1 },
              "Timeout": { "Attempt": "00:00:05", "Total": "00:00:10" }
            } },
            "Providers": { "p": { "BaseUrl": "{provider}" } },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] {routeExtra} } ]
          }
        }
        """.Replace("{redisSetting}", fromEnvironment ? "\"ConfigurationFromEnvironment\": \"TEST_REDIS\"" : "\"Configuration\": \"{redis}\"", StringComparison.Ordinal)
        .Replace("{routeExtra}", routeExtra ?? string.Empty, StringComparison.Ordinal)
        .Replace("{sharedExtra}", sharedExtra is null ? string.Empty : ", " + sharedExtra, StringComparison.Ordinal);

    private async Task StartFleetAsync(string template, int count = 3)
    {
        string json = template.Replace("{redis}", _redis.Configuration, StringComparison.Ordinal)
            .Replace("{provider}", _provider.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal);
        for (int i = 0; i < count; i++)
        {
            _fleet.Add(await GatewayUnderTest.StartAsync(
                json.Replace("{instance}", $"gateway-{_fleet.Count}", StringComparison.Ordinal),
                new Dictionary<string, string> { ["TEST_REDIS"] = _redis.Configuration }));
        }
    }

    private static Bulwark.CircuitBreaker.CircuitBreakerHandle Breaker(GatewayUnderTest gateway) =>
        gateway.Services.GetRequiredService<LiveGatewayConfiguration>().Table.Providers["p"].Pipeline.CircuitBreaker!;
}
