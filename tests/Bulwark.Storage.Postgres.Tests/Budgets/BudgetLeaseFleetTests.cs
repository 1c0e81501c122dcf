using Bulwark.Storage.Budgets;
using Bulwark.Tests.Shared;
using Bulwark.Storage.Usage;

namespace Bulwark.Storage.Postgres.Tests.Budgets;

/// <summary>Budget leases written by several instances at once: only those of an instance that stopped are charged, each once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BudgetLeaseFleetTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => CancellationToken.None;

    private static BudgetLease Lease(string id, string user = "alice") => new(id, T0, "key-1", user, "research", "free", "/v1", "gpt-4o", 1_000, 0.01m);

    [Fact]
    public async Task Recover_LeavesTheLeasesOfARunningInstance_ChargesThoseOfAStoppedOne()
    {
        string connectionString = await server.CreateDatabaseAsync();
        var options = new PostgresStoreOptions { ConnectionString = connectionString };
        using var running = PostgresBulwarkStore.Open(options);
        var stopped = PostgresBulwarkStore.Open(options);
        await running.AddBudgetLeasesAsync([Lease("live-1"), Lease("live-2")], Ct);
        await stopped.AddBudgetLeasesAsync([Lease("left-1", "bob")], Ct);
        stopped.Dispose();

        using var starting = PostgresBulwarkStore.Open(options);
        var recovered = await starting.RecoverBudgetLeasesAsync(T0.AddMinutes(1), Ct);

        Assert.Equal(["left-1"], recovered.Select(static l => l.Id));

        // The running instance settles its requests as usual: each is charged once, by its own ledger row.
        await running.AppendUsageAsync(
        [
            new UsageLedgerRow(T0.AddSeconds(2), null, "alice", "/v1", "p", "gpt-4o", 10, 0, 10, 0.001m, 200) { LeaseId = "live-1", BudgetUser = "alice", ChargedTokens = 20 },
        ], Ct);
        await running.ReleaseBudgetLeasesAsync(["live-2"], Ct);
        Assert.Empty(await starting.RecoverBudgetLeasesAsync(T0.AddMinutes(2), Ct));
        var byUser = await starting.QueryUsageAsync(T0, T0.AddHours(1), UsageLedgerGrouping.User, Ct);
        Assert.Equal(2, byUser.Sum(static t => t.Requests));
    }

    [Fact]
    public async Task Recover_ByThreeInstancesAtOnce_ChargesEachLeftLeaseOnce()
    {
        string connectionString = await server.CreateDatabaseAsync();
        var options = new PostgresStoreOptions { ConnectionString = connectionString };
        using (var stopped = PostgresBulwarkStore.Open(options))
        {
            await stopped.AddBudgetLeasesAsync([.. Enumerable.Range(0, 200).Select(static i => Lease($"l-{i}"))], Ct);
        }

        var starting = Enumerable.Range(0, 3).Select(_ => PostgresBulwarkStore.Open(options)).ToArray();
        try
        {
            var recovered = await Task.WhenAll(starting.Select(s => Task.Run(() => s.RecoverBudgetLeasesAsync(T0.AddMinutes(1), Ct)))).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(200, recovered.Sum(static r => r.Count));
            var spend = await starting[0].SumBudgetSpendAsync(T0.Date, T0.Date.AddDays(1), TimeSpan.FromDays(1), Ct);
            Assert.Equal(200 * 1_000L, Assert.Single(spend).Tokens);
            Assert.Equal(2m, spend[0].Cost);
        }
        finally
        {
            foreach (var store in starting)
            {
                store.Dispose();
            }
        }
    }
}
