using System.Collections.Concurrent;
using System.Net;
using Bulwark.Gateway.Tests.Deferral;
using Bulwark.Gateway.Tests.Infrastructure;
using PostgresCollection = Bulwark.Tests.Shared.PostgresCollection;
using PostgresServer = Bulwark.Tests.Shared.PostgresServer;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Storage;

/// <summary>
/// <c>bulwark serve</c> as separate processes on one real PostgreSQL database (<c>Storage:Provider: Postgres</c>, the
/// connection string from the environment): one acknowledges writes while its provider refuses connections and is killed
/// with SIGKILL; the other, still running, delivers every acknowledged write once, taking over the dead one's leases when
/// they expire.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreProcessTests(PostgresServer server, ITestOutputHelper output)
{
    private const int Attempted = 40;

    [Fact]
    public async Task Serve_OnPostgres_DefersWrites_OneProcessKilled_TheOtherDeliversEachOnce()
    {
        var environment = new Dictionary<string, string>(DeferralConfigs.Environment)
        {
            ["Bulwark__Storage__Provider"] = "Postgres",
            ["Bulwark__Storage__ConnectionStringFromEnvironment"] = "BULWARK_TEST_PG",
            ["BULWARK_TEST_PG"] = await server.CreateDatabaseAsync(),
        };
        var closed = ClosedPort.Open();
        int port = closed.Address.Port;
        string config = DeferralConfigs.Payments(closed.Address, maxAttempts: 1000)
            .Replace("\"PollInterval\": \"00:00:00.050\"", "\"PollInterval\": \"00:00:00.050\", \"AttemptTimeout\": \"00:00:02\", \"LeaseDuration\": \"00:00:03\", \"SweepInterval\": \"00:00:00.500\"", StringComparison.Ordinal);

        await using var survivor = await GatewayProcess.StartAsync(config, environment: environment);
        var acknowledged = new ConcurrentDictionary<string, bool>();
        await using (var killed = await GatewayProcess.StartAsync(config, environment: environment))
        {
            using var client = new HttpClient { BaseAddress = killed.Address, Timeout = TimeSpan.FromSeconds(30) };
            for (int i = 0; i < Attempted; i++)
            {
                string key = $"pg-{i:D3}";
                using var response = await client.SendAsync(DeferralTests.Post("/payments/charges", key, $$"""{"n":{{i}}}"""));
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{killed.OutputTail}");
                acknowledged[key] = true;
            }

            await killed.KillAsync();
        }

        closed.Dispose();
        var receipts = new DeliveryReceipts();
        await using var provider = await receipts.StartProviderAsync(port);
        await Poll.UntilAsync(() => acknowledged.Keys.All(receipts.ByKey.ContainsKey), $"every acknowledged write delivered by the survivor\n{survivor.OutputTail}", TimeSpan.FromSeconds(60));
        await DeliveryReceipts.SettlePastALeaseAsync();

        int duplicated = receipts.Duplicated;
        output.WriteLine($"acknowledged {acknowledged.Count} by the killed process, delivered {acknowledged.Keys.Count(receipts.ByKey.ContainsKey)} by the survivor, duplicated {duplicated}");
        Assert.Equal(0, duplicated);
        Assert.False(survivor.HasExited, survivor.OutputTail);
        Assert.DoesNotContain(environment["BULWARK_TEST_PG"], survivor.Output, StringComparison.Ordinal);
    }
}
