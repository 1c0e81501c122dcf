using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Bulwark.Storage.Usage;

namespace Bulwark.Storage.Sqlite.Tests.Usage;

public sealed class UsageLedgerStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Query_SumsRowsInTheRange_ByGroup_CostExact_UnpricedCountedApart()
    {
        using var store = _database.Open();
        await store.AppendUsageAsync(
        [
            new UsageLedgerRow(T0, "abc", "alice", "/v1/{**rest}", "openai", "gpt-4o-mini", 1200, 200, 300, 0.000345m, 200),
            new UsageLedgerRow(T0.AddMinutes(1), "abc", "bob", "/v1/{**rest}", "openai", "gpt-4o-mini", 9, 4, 12, 0.00000825m, 200),
            new UsageLedgerRow(T0.AddMinutes(2), null, "alice", "/v1/{**rest}", "groq", "llama-3.1-8b-instant", 100, null, 50, null, 200),
            new UsageLedgerRow(T0.AddHours(2), "abc", "alice", "/v1/{**rest}", "openai", "gpt-4o-mini", 1, 0, 1, 1m, 200),
        ], CancellationToken.None);

        var byProvider = await store.QueryUsageAsync(T0, T0.AddHours(1), UsageLedgerGrouping.Provider, CancellationToken.None);
        var byUser = await store.QueryUsageAsync(T0, T0.AddHours(1), UsageLedgerGrouping.User, CancellationToken.None);
        var byClient = await store.QueryUsageAsync(T0.AddMinutes(1), T0.AddHours(3), UsageLedgerGrouping.Client, CancellationToken.None);

        Assert.Equal(
        [
            new UsageLedgerTotal("openai", 2, 1209, 204, 312, 0.00035325m, 0),
            new UsageLedgerTotal("groq", 1, 100, 0, 50, 0m, 1),
        ], byProvider);
        Assert.Equal(new UsageLedgerTotal("alice", 2, 1300, 200, 350, 0.000345m, 1), byUser.Single(t => t.Key == "alice"));
        Assert.Equal(new UsageLedgerTotal("abc", 2, 10, 4, 13, 1.00000825m, 0), byClient.Single(t => t.Key == "abc"));
        Assert.Equal(new UsageLedgerTotal(null, 1, 100, 0, 50, 0m, 1), byClient.Single(t => t.Key is null));
    }

    [Fact]
    public async Task Prune_DeletesOnlyRowsBeforeTheTime_OldestFirst_AtMostTheStep()
    {
        using var store = _database.Open();
        await store.AppendUsageAsync(
        [
            .. Enumerable.Range(0, 5).Select(static i => new UsageLedgerRow(T0.AddMinutes(-10 + i), null, null, "/r", "p", "m", 1, 0, 1, null, 200)),
            new UsageLedgerRow(T0, null, null, "/r", "p", "m", 100, 0, 100, null, 200),
        ], CancellationToken.None);

        Assert.Equal(3, await store.PruneUsageAsync(T0, 3, CancellationToken.None));
        Assert.Equal(2, await store.PruneUsageAsync(T0, 3, CancellationToken.None));
        Assert.Equal(0, await store.PruneUsageAsync(T0, 3, CancellationToken.None));

        // The row at T0 itself is kept: only rows completed before the time go.
        var left = await store.QueryUsageAsync(T0.AddDays(-1), T0.AddDays(1), UsageLedgerGrouping.Route, CancellationToken.None);
        Assert.Equal(new UsageLedgerTotal("/r", 1, 100, 0, 100, 0m, 1), Assert.Single(left));
    }
}
