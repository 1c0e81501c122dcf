using System.Collections.Concurrent;
using System.Net;
using Bulwark.Gateway.Tests.Budgets;
using Bulwark.Gateway.Tests.Deferral;
using Bulwark.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;
using PostgresCollection = Bulwark.Tests.Shared.PostgresCollection;
using PostgresServer = Bulwark.Tests.Shared.PostgresServer;
using RedisServer = Bulwark.Storage.Redis.Tests.Infrastructure.RedisServer;

namespace Bulwark.Gateway.Tests.SharedState;

/// <summary>
/// A fleet on both shared stores, as the issue runs it: Redis for breakers, limits and budgets, PostgreSQL for what must
/// survive. Three processes, one killed with SIGKILL while 300 deferred writes are coming in; and a budget whose Redis
/// counter is lost, seeded again from the fleet's one ledger.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FleetOnPostgresTests(PostgresServer postgres, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Attempted = 300;
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task ThreeProcesses_OneKilledWhile300WritesComeIn_TheSurvivorsDeliverEveryAcknowledgedWriteExactlyOnce()
    {
        var environment = new Dictionary<string, string>(DeferralConfigs.Environment)
        {
            ["Bulwark__Storage__Provider"] = "Postgres",
            ["Bulwark__Storage__ConnectionStringFromEnvironment"] = "BULWARK_TEST_PG",
            ["BULWARK_TEST_PG"] = await postgres.CreateDatabaseAsync(),
            ["Bulwark__SharedState__Provider"] = "Redis",
            ["Bulwark__SharedState__Configuration"] = _redis.Configuration,
        };
        var closed = ClosedPort.Open();
        int port = closed.Address.Port;
        string config = DeferralConfigs.Payments(closed.Address, maxAttempts: 1000)
            .Replace("\"PollInterval\": \"00:00:00.050\"", "\"PollInterval\": \"00:00:00.050\", \"AttemptTimeout\": \"00:00:02\", \"LeaseDuration\": \"00:00:03\", \"SweepInterval\": \"00:00:00.500\"", StringComparison.Ordinal);
        Assert.Contains("LeaseDuration", config, StringComparison.Ordinal);

        var fleet = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => GatewayProcess.StartAsync(config, environment: environment)));
        try
        {
            var clients = fleet.Select(g => new HttpClient { BaseAddress = g.Address, Timeout = TimeSpan.FromSeconds(30) }).ToArray();
            var acknowledged = new ConcurrentDictionary<string, int>();
            int refused = 0, cut = 0;
            var sending = Parallel.ForEachAsync(Enumerable.Range(0, Attempted), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, ct) =>
            {
                string key = $"fleet-{i:D4}";
                try
                {
                    using var response = await clients[i % 3].SendAsync(DeferralTests.Post("/payments/charges", key, $$"""{"n":{{i}}}"""), ct);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged[key] = i % 3;
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref cut);
                }
            });

            // Gateway 0 dies while writes are still coming in (some committed there and never answered).
            await Poll.UntilAsync(() => acknowledged.Count >= Attempted / 2 || sending.IsCompleted, "half the writes to be acknowledged");
            await fleet[0].KillAsync();
            await Poll.WithinAsync(sending, "the submissions to end");

            closed.Dispose();
            var receipts = new DeliveryReceipts();
            await using var provider = await receipts.StartProviderAsync(port);
            await Poll.UntilAsync(() => acknowledged.Keys.All(receipts.ByKey.ContainsKey), $"every acknowledged write delivered by the two survivors\n{fleet[1].OutputTail}", TimeSpan.FromSeconds(90));
            await DeliveryReceipts.SettlePastALeaseAsync();

            int byKilled = acknowledged.Values.Count(static g => g == 0);
            int duplicated = receipts.Duplicated;
            output.WriteLine($"attempted {Attempted}, acknowledged {acknowledged.Count} ({byKilled} by the killed gateway), refused {refused}, cut by the kill {cut}, delivered {acknowledged.Keys.Count(receipts.ByKey.ContainsKey)}, duplicated {duplicated}");
            Assert.True(byKilled > 0, "the killed gateway acknowledged nothing: the test proves nothing");
            Assert.Equal(0, duplicated);
            Assert.All(fleet.Skip(1), g => Assert.False(g.HasExited, g.OutputTail));
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            foreach (var gateway in fleet)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RedisLosesItsData_OnOneSharedLedger_TheFleetCounterIsSeededWithEveryGatewaysSpend()
    {
        await using var provider = await Upstream.StartAsync();
        long reservation = BudgetsTests.Reservation();
        provider.Behaviour = BudgetsTests.Answer(reservation - 50, 50);
        string json = BudgetsTests.Config(provider.BaseAddress, $$"""{ "Items": { "everyone": { "Per": "Global", "Period": "Month", "Tokens": {{10 * reservation}} } } }""")
            .Replace("\"Budgets\":", $"\"SharedState\": {{ \"Provider\": \"Redis\", \"Configuration\": \"{_redis.Configuration}\" }}, \"Storage\": {{ \"Provider\": \"Postgres\", \"ConnectionStringFromEnvironment\": \"TEST_PG\" }}, \"Budgets\":", StringComparison.Ordinal);
        var environment = new Dictionary<string, string> { ["TEST_PG"] = await postgres.CreateDatabaseAsync() };
        await using var a = await GatewayUnderTest.StartAsync(json, environment);
        await using var b = await GatewayUnderTest.StartAsync(json, environment);
        GatewayUnderTest[] fleet = [a, b];
        for (int i = 0; i < 6; i++)
        {
            using var response = await fleet[i % 2].Client.SendAsync(BudgetsTests.Chat("u"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var gateway in fleet)
        {
            await FleetWaits.SettledAsync(gateway);
        }

        await _redis.StopAsync();
        await _redis.RestartAsync();
        foreach (var gateway in fleet)
        {
            await FleetWaits.BackOnRedisAsync(gateway.BaseAddress);
        }

        // Seeded from the one ledger both gateways write: all 6 spent, so 4 more fit of the 10 — not 7 as with a ledger each.
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
        {
            using var response = await fleet[i % 2].Client.SendAsync(BudgetsTests.Chat("u"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(4, statuses.Count(static s => s == HttpStatusCode.OK));
        Assert.Equal(4, statuses.Count(static s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, provider.Requests);
    }
}
