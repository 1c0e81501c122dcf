using Bulwark.Storage.Budgets;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Bulwark.Storage.Usage;

namespace Bulwark.Storage.Sqlite.Tests.Budgets;

/// <summary>Budget leases, the spend the ledger holds for budgets, and budgets made by the admin API.</summary>
public sealed class BudgetStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static BudgetLease Lease(string id, long tokens, decimal? cost, string user = "alice") =>
        new(id, T0, "key-1", user, "research", "free", "/v1/{**rest}", "gpt-4o", tokens, cost);

    [Fact]
    public async Task ALedgerRowWithItsLease_DeletesIt_TheRestAreChargedInFull_AtRecovery_EvenAfterReopening()
    {
        using (var store = _database.Open())
        {
            await store.AddBudgetLeasesAsync([Lease("a", 1_000, 0.01m), Lease("b", 2_000, 0.02m), Lease("c", 500, null, user: "bob")], CancellationToken.None);
            await store.AppendUsageAsync(
            [
                new UsageLedgerRow(T0.AddSeconds(1), null, "alice", "/v1/{**rest}", "openai", "gpt-4o-2024-08-06", 300, 0, 100, 0.004m, 200)
                {
                    ClientKeyId = "key-1", BudgetUser = "alice", Team = "research", Tier = "free", RequestModel = "gpt-4o", LeaseId = "a", ChargedTokens = 400, ChargedCost = 0.004m,
                },
            ], CancellationToken.None);
        }

        // The process stopped with b and c in flight: reopened, they become ledger rows charged what they reserved.
        using var reopened = _database.Open();
        var recovered = await reopened.RecoverBudgetLeasesAsync(T0.AddMinutes(5), CancellationToken.None);
        Assert.Equal(["b", "c"], recovered.Select(static l => l.Id).Order());
        Assert.Empty(await reopened.RecoverBudgetLeasesAsync(T0.AddMinutes(6), CancellationToken.None));

        var sums = await reopened.SumBudgetSpendAsync(T0.Date, T0.Date.AddDays(1), TimeSpan.FromDays(1), CancellationToken.None);
        var alice = Assert.Single(sums, static s => s.User == "alice");
        Assert.Equal(400 + 2_000, alice.Tokens);
        Assert.Equal(0.004m + 0.02m, alice.Cost);
        Assert.Equal(("key-1", "research", "free", "gpt-4o"), (alice.ClientKeyId, alice.Team, alice.Tier, alice.Model));
        var bob = Assert.Single(sums, static s => s.User == "bob");
        Assert.Equal(500, bob.Tokens);
        Assert.Equal(0m, bob.Cost);

        var byUser = await reopened.QueryUsageAsync(T0.AddHours(-1), T0.AddHours(1), UsageLedgerGrouping.User, CancellationToken.None);
        Assert.Equal(3, byUser.Sum(static t => t.Requests));
    }

    [Fact]
    public async Task Spend_WithoutChargedAmounts_CountsUsage_InBuckets()
    {
        using var store = _database.Open();
        await store.AppendUsageAsync(
        [
            new UsageLedgerRow(T0, null, "alice", "/v1", "p", "m", 10, null, 5, 0.5m, 200),
            new UsageLedgerRow(T0.AddMinutes(30), null, "alice", "/v1", "p", "m", 1, null, null, null, 200),
            new UsageLedgerRow(T0.AddMinutes(61), null, "alice", "/v1", "p", "m", 100, null, 100, 1m, 200),
        ], CancellationToken.None);
        var sums = (await store.SumBudgetSpendAsync(T0, T0.AddHours(2), TimeSpan.FromHours(1), CancellationToken.None)).OrderBy(static s => s.BucketStart).ToList();
        Assert.Equal(2, sums.Count);
        Assert.Equal((T0, 16L, 0.5m), (sums[0].BucketStart, sums[0].Tokens, sums[0].Cost));
        Assert.Equal((T0.AddHours(1), 200L, 1m), (sums[1].BucketStart, sums[1].Tokens, sums[1].Cost));

        // The user a request named itself (no identity) is not whom budgets count.
        Assert.All(sums, static s => Assert.Null(s.User));
    }

    [Fact]
    public async Task AdminBudgets_AreSaved_Replaced_Listed_Deleted()
    {
        using var store = _database.Open();
        await store.SaveBudgetAsync(new StoredBudget("team-a", """{"Per":"Team","Cost":10}""", T0), CancellationToken.None);
        await store.SaveBudgetAsync(new StoredBudget("team-a", """{"Per":"Team","Cost":20}""", T0.AddMinutes(1)), CancellationToken.None);
        var listed = Assert.Single(await store.ListBudgetsAsync(CancellationToken.None));
        Assert.Equal(("team-a", """{"Per":"Team","Cost":20}""", T0.AddMinutes(1)), (listed.Name, listed.Definition, listed.Updated));

        // Names differ only in case: one budget (the gateway matches budget names case-insensitively).
        await store.SaveBudgetAsync(new StoredBudget("TEAM-A", """{"Per":"Team","Cost":30}""", T0.AddMinutes(2)), CancellationToken.None);
        Assert.Equal("""{"Per":"Team","Cost":30}""", Assert.Single(await store.ListBudgetsAsync(CancellationToken.None)).Definition);
        Assert.True(await store.DeleteBudgetAsync("team-a", CancellationToken.None));
        Assert.False(await store.DeleteBudgetAsync("team-a", CancellationToken.None));
        Assert.Empty(await store.ListBudgetsAsync(CancellationToken.None));
    }
}
