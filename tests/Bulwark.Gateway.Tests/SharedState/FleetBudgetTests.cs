using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Tests.Budgets;
using Bulwark.Gateway.Tests.Infrastructure;
using RedisServer = Bulwark.Storage.Redis.Tests.Infrastructure.RedisServer;

namespace Bulwark.Gateway.Tests.SharedState;

/// <summary>Strict budgets held by a fleet of three gateways on a real Redis: no overshoot under concurrency, seeded from the ledger after Redis lost its data, and failing as configured while it is gone.</summary>
public sealed class FleetBudgetTests : IAsyncLifetime
{
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
    public async Task ThreeGateways_1000ConcurrentRequests_AStrictBudgetFor100_Serve100_NoOvershoot()
    {
        long reservation = BudgetsTests.Reservation();
        _provider.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        await StartFleetAsync($$"""{ "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": {{100 * reservation}} } } }""");

        var (served, refused, other) = await SendConcurrentlyAsync(1_000, static i => "user-" + (i % 7));

        Assert.Equal((100, 900, 0), (served, refused, other));
        Assert.Equal(100, _provider.Requests);

        // Each gateway's status shows its own share, and the fleet's whole spend beside it (settled in the background).
        await Bulwark.Tests.Shared.Poll.UntilAsync(
            async () => (await BudgetsTests.AdminBudgetsAsync(_fleet[0])).Single().GetProperty("fleet").GetProperty("spent").GetProperty("tokens").GetInt64() == 100 * reservation,
            "the fleet's spend settled on Redis");
        long own = 0;
        foreach (var gateway in _fleet)
        {
            var counter = (await BudgetsTests.AdminBudgetsAsync(gateway)).Single();
            own += counter.GetProperty("spent").GetProperty("tokens").GetInt64();
            Assert.Equal(0, counter.GetProperty("fleet").GetProperty("remaining").GetProperty("tokens").GetInt64());
        }

        Assert.Equal(100 * reservation, own);

        // Spent in full across the fleet: the next request is refused by whichever gateway takes it.
        foreach (var gateway in _fleet)
        {
            using var late = await gateway.Client.SendAsync(BudgetsTests.Chat("late"));
            Assert.Equal(HttpStatusCode.TooManyRequests, late.StatusCode);
        }

        Assert.Equal(100, _provider.Requests);
    }

    [Fact]
    public async Task OnBudgetExceeded_Fallback_TheFleetHasNoRoomAtTheDearPrices_TheCheaperChainServes()
    {
        await using var cheap = await Upstream.StartAsync();
        _provider.Behaviour = BudgetsTests.Answer(10, 40);
        cheap.Behaviour = BudgetsTests.Answer(10, 10);
        string config = BudgetsTests.Config(
            _provider.BaseAddress,
            """{ "Items": { "money": { "Cost": 0.05 } } }""",
            routeExtra: """, "OnBudgetExceeded": "Fallback", "BudgetFallbackProviders": [ "cheap" ]""",
            providersExtra: $$""", "cheap": { "BaseUrl": "{{cheap.BaseAddress.ToString().TrimEnd('/')}}", "Prices": { "gpt-4o-mini": { "Input": 0.15, "Output": 0.60 } } }""",
            prices: """, "Prices": { "gpt-4o-mini": { "Input": 150, "Output": 600 } }""");
        config = config.Replace("\"Budgets\":", $"\"SharedState\": {{ \"Provider\": \"Redis\", \"Configuration\": \"{_redis.Configuration}\" }}, \"Budgets\":", StringComparison.Ordinal);
        _fleet.Add(await GatewayUnderTest.StartAsync(config));
        _fleet.Add(await GatewayUnderTest.StartAsync(config));

        // The second gateway spends 0.0255 of the fleet's 0.05 at the dear provider.
        using (var first = await _fleet[1].Client.SendAsync(BudgetsTests.Chat("bob")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await Bulwark.Tests.Shared.Poll.UntilAsync(
            async () => (await BudgetsTests.AdminBudgetsAsync(_fleet[0])).Single().GetProperty("fleet").GetProperty("spent").GetProperty("cost").GetDouble() >= 0.0255 - 1e-9,
            "the second gateway's spend settled on the fleet's counter");

        // The first gateway's own book has room for the dear reservation (more than 0.03: 50 output tokens at 600 a
        // million), the fleet's counter has 0.0245 left: the cheap chain takes it, as when the gateway's own book refuses.
        using var response = await _fleet[0].Client.SendAsync(BudgetsTests.Chat("alice"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("fallback; budget=money", response.Headers.GetValues("X-Bulwark-Budget").First());
        Assert.Equal(1, _provider.Requests);
        Assert.Equal(1, cheap.Requests);
    }

    [Fact]
    public async Task RefusedByTheFleet_TheRequestsLeaveNoLease_SoARestartChargesNothingForThem()
    {
        long reservation = BudgetsTests.Reservation();
        _provider.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        string json = FleetConfig($$"""{ "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": {{reservation}} } } }""");
        _fleet.Add(await GatewayUnderTest.StartAsync(json));
        string store = TestStore.NewPath();
        var own = await GatewayUnderTest.StartAsync(json, storePath: store);

        // The fleet's one request is served by the other gateway; this one's book has room, the fleet's counter has not.
        // Each refused request's lease was stored at the same time as the fleet was asked (both are waits), and deleted.
        using (var served = await _fleet[0].Client.SendAsync(BudgetsTests.Chat("bob")))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        for (int i = 0; i < 5; i++)
        {
            using var refused = await own.Client.SendAsync(BudgetsTests.Chat("alice"));
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        }

        await own.DisposeAsync();
        await using var again = await GatewayUnderTest.StartAsync(json, storePath: store);
        var counter = (await BudgetsTests.AdminBudgetsAsync(again)).Single();
        Assert.Equal(0, counter.GetProperty("spent").GetProperty("tokens").GetInt64());
        Assert.Equal(1, _provider.Requests);
    }

    [Fact]
    public async Task ThreeGateways_PerUserBudgets_HoldForEachUserAcrossTheFleet()
    {
        long reservation = BudgetsTests.Reservation();
        _provider.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        await StartFleetAsync($$"""{ "Items": { "per-user": { "Per": "User", "Period": "Rolling", "Window": "01:00:00", "Tokens": {{10 * reservation}} } } }""");

        var (served, refused, other) = await SendConcurrentlyAsync(300, static i => "user-" + (i % 5));

        Assert.Equal((50, 250, 0), (served, refused, other));
        var byUser = _provider.Snapshot().GroupBy(static r => r.Headers["X-User"]).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.All(byUser.Values, static n => Assert.Equal(10, n));
    }

    [Fact]
    public async Task RedisLosesItsData_TheFleetCounterIsSeededFromTheLedger_SoTheBudgetDoesNotStartOver()
    {
        long reservation = BudgetsTests.Reservation();
        _provider.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        await StartFleetAsync($$"""{ "Items": { "everyone": { "Per": "Global", "Period": "Month", "Tokens": {{10 * reservation}} } } }""", count: 2);
        for (int i = 0; i < 6; i++)
        {
            using var response = await _fleet[i % 2].Client.SendAsync(BudgetsTests.Chat("u"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A Redis without persistence restarts empty; the gateways reconnect.
        foreach (var gateway in _fleet)
        {
            await FleetWaits.SettledAsync(gateway);
        }

        await _redis.StopAsync();
        await _redis.RestartAsync();
        foreach (var gateway in _fleet)
        {
            await FleetWaits.BackOnRedisAsync(gateway.BaseAddress);
        }

        // The first request finds the counter missing and seeds it from its gateway's ledger: 3 spent there (each
        // gateway keeps its own SQLite ledger; on a shared PostgreSQL ledger it would be all 6). Without the seed the two
        // gateways' own counters (3 each) would let all 10 through; seeded, the fleet lets 7.
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 10; i++)
        {
            using var response = await _fleet[i % 2].Client.SendAsync(BudgetsTests.Chat("u"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(7, statuses.Count(static s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(static s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(13, _provider.Requests);
    }

    [Theory]
    [InlineData("FailClosed", HttpStatusCode.ServiceUnavailable, 0)]
    [InlineData("FailOpen", HttpStatusCode.OK, 3)]
    public async Task RedisGone_ABudgetedRequestIsDecidedAsConfigured_WithinTheOperationTimeout(string mode, HttpStatusCode expected, int sent)
    {
        long reservation = BudgetsTests.Reservation();
        _provider.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        await StartFleetAsync($$"""{ "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": {{100 * reservation}} } } }""", count: 1, sharedExtra: $"\"BudgetsOnRedisFailure\": \"{mode}\"");
        await _redis.StopAsync();

        var slowest = TimeSpan.Zero;
        for (int i = 0; i < 3; i++)
        {
            var one = Stopwatch.StartNew();
            using var response = await _fleet[0].Client.SendAsync(BudgetsTests.Chat("u"));
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
            Assert.Equal(expected, response.StatusCode);
            if (expected != HttpStatusCode.OK)
            {
                var problem = await Problem.ReadAsync(response);
                Assert.Contains("BudgetsOnRedisFailure", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(sent, _provider.Requests);
        Assert.True(slowest < TimeSpan.FromSeconds(1.5), $"a request took {slowest} with Redis gone (OperationTimeout 1 s)");
    }

    [Fact]
    public async Task RedisAsleep_FailOpen_RequestsServedMeanwhile_AreStillCountedOnTheFleetsCounter_WhenItAnswersAgain()
    {
        long reservation = BudgetsTests.Reservation();
        _provider.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        await StartFleetAsync($$"""{ "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": {{100 * reservation}} } } }""", count: 1, sharedExtra: "\"BudgetsOnRedisFailure\": \"FailOpen\", \"OperationTimeout\": \"00:00:00.200\"");
        var gateway = _fleet[0];
        using (var first = await gateway.Client.SendAsync(BudgetsTests.Chat("u")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // seeded and warm
        }

        await _redis.SleepAsync(TimeSpan.FromSeconds(3));
        for (int i = 0; i < 2; i++)
        {
            using var response = await gateway.Client.SendAsync(BudgetsTests.Chat("u"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Awake again: the two served meanwhile are settled on the fleet's counter (retried), their possible holds released.
        await Bulwark.Tests.Shared.Poll.UntilAsync(
            async () => (await BudgetsTests.AdminBudgetsAsync(gateway)).Single().GetProperty("fleet") is { ValueKind: System.Text.Json.JsonValueKind.Object } fleet
                && fleet.GetProperty("spent").GetProperty("tokens").GetInt64() == 3 * reservation
                && fleet.GetProperty("reserved").GetProperty("tokens").GetInt64() == 0,
            "the spend made while Redis slept counted on the fleet's counter",
            TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task AReservationNeverEnded_IsGivenBackAfterBudgetHold_AsWhenItsGatewayDied()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var connection = Bulwark.Storage.Redis.RedisConnection.Create(new() { Configuration = _redis.Configuration });
        var options = new Bulwark.Gateway.Configuration.GatewaySharedStateOptions { BudgetHold = TimeSpan.FromMinutes(3) };
        var fleet = new Bulwark.Gateway.Budgets.FleetBudgets(
            new Bulwark.Storage.Redis.Budgets.RedisBudgetCounters(connection, time),
            static (_, _) => Task.FromResult<IReadOnlyList<Bulwark.Storage.Budgets.BudgetSpend>>([]),
            options,
            time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Bulwark.Gateway.Budgets.FleetBudgets>.Instance);
        var budget = new Bulwark.Gateway.Budgets.BudgetDefinition("everyone", new() { Per = Bulwark.Gateway.Configuration.BudgetScope.Global, Period = Bulwark.Gateway.Configuration.BudgetPeriod.Day, Tokens = 100 }, fromAdmin: false);
        var (start, end) = budget.PeriodAt(time.GetUtcNow(), TimeZoneInfo.Utc);
        Bulwark.Gateway.Budgets.BudgetReservation Reservation(long tokens) =>
            new(default, "gpt-4o-mini", tokens, 0, [], [], null) { Holds = [new Bulwark.Gateway.Budgets.ReservedBudget(budget, string.Empty, start, end)] };

        var orphan = Reservation(80);
        Assert.Null(await fleet.ReserveAsync(orphan, CancellationToken.None));
        Assert.True(orphan.HeldByFleet);
        Assert.NotNull(await fleet.ReserveAsync(Reservation(30), CancellationToken.None));

        // Never settled nor released (its gateway died): held until BudgetHold has passed, not a moment longer.
        time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await fleet.ReserveAsync(Reservation(30), CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await fleet.ReserveAsync(Reservation(30), CancellationToken.None));
    }

    private string FleetConfig(string budgets, string? sharedExtra = null)
    {
        string json = BudgetsTests.Config(_provider.BaseAddress, budgets);
        string shared = $"\"SharedState\": {{ \"Provider\": \"Redis\", \"Configuration\": \"{_redis.Configuration}\"{(sharedExtra is null ? string.Empty : ", " + sharedExtra)} }},";
        return json.Replace("\"Budgets\":", shared + " \"Budgets\":", StringComparison.Ordinal);
    }

    private async Task StartFleetAsync(string budgets, int count = 3, string? sharedExtra = null)
    {
        string json = FleetConfig(budgets, sharedExtra);
        for (int i = 0; i < count; i++)
        {
            _fleet.Add(await GatewayUnderTest.StartAsync(json));
        }
    }

    private async Task<(int Served, int Refused, int Other)> SendConcurrentlyAsync(int count, Func<int, string> user)
    {
        int served = 0, refused = 0, other = 0;
        var clients = _fleet.Select(g => new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = count }) { BaseAddress = g.BaseAddress, Timeout = TimeSpan.FromMinutes(2) }).ToArray();
        try
        {
            using var start = new SemaphoreSlim(0);
            var sends = Enumerable.Range(0, count).Select(async i =>
            {
                await start.WaitAsync();
                using var response = await clients[i % clients.Length].SendAsync(BudgetsTests.Chat(user(i)));
                _ = response.StatusCode switch
                {
                    HttpStatusCode.OK => Interlocked.Increment(ref served),
                    HttpStatusCode.TooManyRequests => Interlocked.Increment(ref refused),
                    _ => Interlocked.Increment(ref other),
                };
            }).ToList();
            start.Release(count);
            await Task.WhenAll(sends);
            return (served, refused, other);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }
}
