using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Tests.Budgets;
using Bulwark.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;
using RedisServer = Bulwark.Storage.Redis.Tests.Infrastructure.RedisServer;

namespace Bulwark.Gateway.Tests.SharedState;

/// <summary>
/// Three `bulwark serve` processes behind a client that spreads its requests over them, sharing one real Redis: a dead
/// provider, a per-client limit and a strict budget hold for the fleet; Redis stopped mid-load makes no request wait.
/// </summary>
public sealed class FleetProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int FailureThreshold = 5;
    private RedisServer _redis = null!;
    private Upstream _provider = null!;
    private Upstream _ai = null!;
    private readonly List<GatewayProcess> _fleet = [];
    private readonly List<HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _provider = await Upstream.StartAsync();
        _ai = await Upstream.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        foreach (var gateway in _fleet)
        {
            await gateway.DisposeAsync();
        }

        await _ai.DisposeAsync();
        await _provider.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ThreeProcesses_ADeadProvider_ALimitAndABudget_HoldForTheFleet()
    {
        long reservation = BudgetsTests.Reservation();
        _ai.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        await StartFleetAsync(budgetTokens: 100 * reservation);

        // 1. The provider dies while traffic is spread evenly (100 requests a second for the fleet, on a schedule).
        for (int i = 0; i < 6; i++)
        {
            using var warm = await _clients[i % 3].GetAsync(new Uri("/api/x", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        int before = _provider.Requests;
        _provider.Behaviour = Upstream.Status(503);
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var clock = Stopwatch.StartNew();
        int quietRounds = 0;
        for (int i = 0; quietRounds < 2; i++)
        {
            int seen = _provider.Requests;
            for (int g = 0; g < 3; g++)
            {
                (await _clients[g].GetAsync(new Uri("/api/x", UriKind.Relative))).Dispose();
                await pace.WaitForNextTickAsync();
            }

            quietRounds = _provider.Requests == seen ? quietRounds + 1 : 0;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the fleet did not stop calling the dead provider");
        }

        int deadCalls = _provider.Requests - before;
        output.WriteLine($"calls to the dead provider by three processes: {deadCalls} (one alone: {FailureThreshold})");
        Assert.True(deadCalls <= FailureThreshold + 5, $"the fleet sent {deadCalls} calls to the dead provider");

        // 2. It comes back: after the break, one probe (the opener's), and then every gateway serves.
        _provider.Behaviour = Upstream.Ok;
        int beforeRecovery = _provider.Requests;
        int firstServedAt = -1;
        clock.Restart();
        while (firstServedAt < 0)
        {
            for (int g = 0; g < 3 && firstServedAt < 0; g++)
            {
                using var response = await _clients[g].GetAsync(new Uri("/api/x", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    firstServedAt = _provider.Requests;
                }

                await pace.WaitForNextTickAsync();
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "no gateway served after the provider came back");
        }

        Assert.Equal(1, firstServedAt - beforeRecovery); // the probe that closed it; nobody else probed
        await Bulwark.Tests.Shared.Poll.UntilAsync(
            async () =>
            {
                var statuses = await Task.WhenAll(_clients.Select(async c =>
                {
                    using var r = await c.GetAsync(new Uri("/api/x", UriKind.Relative));
                    return r.StatusCode;
                }));
                return statuses.All(static s => s == HttpStatusCode.OK);
            },
            "every gateway serving again",
            TimeSpan.FromSeconds(2));

        // 3. A per-client limit of 30 a minute: 90 requests spread over the three serve 30.
        await FleetWaits.FreshMinuteAsync(_redis.Configuration);
        int limited = 0, served = 0;
        for (int i = 0; i < 90; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/limited/x", UriKind.Relative));
            request.Headers.TryAddWithoutValidation("X-Api-Key", "client-one");
            using var response = await _clients[i % 3].SendAsync(request);
            served += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            limited += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.Equal((30, 60), (served, limited));

        // 4. A strict budget with room for 100 requests: 1,000 at once, spread over the three → 100 served, none beyond.
        using var start = new SemaphoreSlim(0);
        int ok = 0, refused = 0, other = 0;
        var many = _fleet.Select(g => new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1_000 }) { BaseAddress = g.Address, Timeout = TimeSpan.FromMinutes(2) }).ToList();
        using var disposeMany = new Disposer(many);
        var sends = Enumerable.Range(0, 1_000).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await many[i % 3].SendAsync(BudgetsTests.Chat("user-" + (i % 7)));
            _ = response.StatusCode switch
            {
                HttpStatusCode.OK => Interlocked.Increment(ref ok),
                HttpStatusCode.TooManyRequests => Interlocked.Increment(ref refused),
                _ => Interlocked.Increment(ref other),
            };
        }).ToList();
        start.Release(1_000);
        await Task.WhenAll(sends).WaitAsync(TimeSpan.FromMinutes(2));
        output.WriteLine($"budget: {ok} served, {refused} refused, {other} other; provider saw {_ai.Requests}");
        Assert.Equal((100, 900, 0), (ok, refused, other));
        Assert.Equal(100, _ai.Requests);
    }

    [Fact]
    public async Task RedisStoppedAndRestartedMidLoad_NoRequestWaitsLongerThanTheOperationTimeout_AndSharingResumes()
    {
        await StartFleetAsync(budgetTokens: 1_000_000_000, operationTimeout: "00:00:00.500");
        using var stopLoad = new CancellationTokenSource();
        var slowest = TimeSpan.Zero;
        int requests = 0, failed = 0;
        var load = Task.Run(async () =>
        {
            using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
            for (int i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                var one = Stopwatch.StartNew();
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/limited/x", UriKind.Relative));
                request.Headers.TryAddWithoutValidation("X-Api-Key", "client-" + (i % 50));
                using var response = await _clients[i % 3].SendAsync(request);
                var took = one.Elapsed;
                slowest = took > slowest ? took : slowest;
                requests++;
                failed += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
                await pace.WaitForNextTickAsync();
            }
        });

        await WaitForRequestsAsync(() => requests, 100);
        await _redis.StopAsync();
        await WaitForRequestsAsync(() => requests, requests + 200);
        await _redis.RestartAsync();
        foreach (var gateway in _fleet)
        {
            await FleetWaits.BackOnRedisAsync(gateway.Address);
        }

        await WaitForRequestsAsync(() => requests, requests + 100);
        await stopLoad.CancelAsync();
        await load.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"{requests} requests under load, {failed} not 200, slowest {slowest.TotalMilliseconds:0} ms (OperationTimeout 500 ms)");
        Assert.Equal(0, failed); // limits fail open (the default): served while Redis is away
        Assert.True(slowest < TimeSpan.FromSeconds(1.5), $"a request took {slowest} while Redis was stopped");

        // Sharing resumed: a dead provider found by gateway 0 is avoided by the others.
        _provider.Behaviour = Upstream.Status(503);
        for (int i = 0; i < FailureThreshold; i++)
        {
            (await _clients[0].GetAsync(new Uri("/api/x", UriKind.Relative))).Dispose();
        }

        int calls = _provider.Requests;
        await Bulwark.Tests.Shared.Poll.UntilAsync(
            async () =>
            {
                (await _clients[1].GetAsync(new Uri("/api/x", UriKind.Relative))).Dispose();
                (await _clients[2].GetAsync(new Uri("/api/x", UriKind.Relative))).Dispose();
                int now = _provider.Requests;
                bool quiet = now == calls;
                calls = now;
                return quiet;
            },
            "gateways 1 and 2 to stop calling the provider gateway 0 found dead",
            TimeSpan.FromSeconds(5));
    }

    private static async Task WaitForRequestsAsync(Func<int> count, int atLeast) =>
        await Bulwark.Tests.Shared.Poll.UntilAsync(() => count() >= atLeast, $"{atLeast} requests sent", TimeSpan.FromSeconds(60));

    private async Task StartFleetAsync(long budgetTokens, string operationTimeout = "00:00:01")
    {
        string config = $$"""
            {
              "Bulwark": {
                "Admin": { "Token": "{{BudgetsTests.AdminToken}}" },
                "SharedState": { "Provider": "Redis", "Configuration": "{{_redis.Configuration}}", "OperationTimeout": "{{operationTimeout}}", "ProbeGrace": "00:00:05" },
                "Clients": { "UserHeader": "X-User" },
                "Budgets": { "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": {{budgetTokens}} } } },
                "Pipelines": { "default": {
                  "Retry": { "MaxRetries": 0 },
                  "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": {{FailureThreshold}}, "BreakDuration": "00:00:01", "BreakDurationGrowthFactor": 1, "HalfOpenMaxCalls": 1, "SuccessThreshold": 1 },
                  "Timeout": { "Attempt": "00:00:05", "Total": "00:00:10" },
                  "Bulkhead": { "MaxConcurrency": 2000, "QueueLimit": 2000 }
                } },
                "Providers": {
                  "p": { "BaseUrl": "{{_provider.BaseAddress.ToString().TrimEnd('/')}}" },
                  "q": { "BaseUrl": "{{_provider.BaseAddress.ToString().TrimEnd('/')}}" },
                  "ai": { "BaseUrl": "{{_ai.BaseAddress.ToString().TrimEnd('/')}}" }
                },
                "Routes": [
                  { "Path": "/api/{**rest}", "Providers": [ "p" ] },
                  { "Path": "/limited/{**rest}", "Providers": [ "q" ], "RateLimit": { "RequestsPerMinutePerClient": 30 } },
                  { "Path": "/v1/{**rest}", "Providers": [ "ai" ], "Api": "OpenAI", "Clients": "TrustedHeader", "Timeout": "00:01:00" }
                ]
              }
            }
            """;
        if (budgetTokens >= 1_000_000_000)
        {
            config = config.Replace("\"RequestsPerMinutePerClient\": 30", "\"RequestsPerMinutePerClient\": 100000", StringComparison.Ordinal);
        }

        var started = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => GatewayProcess.StartAsync(config)));
        _fleet.AddRange(started);
        _clients.AddRange(started.Select(g => new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = g.Address, Timeout = TimeSpan.FromSeconds(30) }));
    }

    private sealed class Disposer(List<HttpClient> clients) : IDisposable
    {
        public void Dispose() => clients.ForEach(static c => c.Dispose());
    }
}
