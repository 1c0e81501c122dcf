using Bulwark.Storage.Alerts;
using Bulwark.Storage.Budgets;
using Bulwark.Storage.Clients;
using Bulwark.Storage.Usage;

namespace Bulwark.Storage.Sqlite.Tests;

/// <summary>
/// What every store of the gateway's own data promises (<see cref="IClientKeyStore"/>, <see cref="IUsageLedgerStore"/>,
/// <see cref="IBudgetStore"/>, <see cref="IAlertStore"/>), run against each implementation by a subclass. Several open
/// instances on the same storage stand for several gateways (or one gateway restarted).
/// </summary>
/// <typeparam name="TStore">The store.</typeparam>
public abstract class GatewayDataContractTests<TStore>
    where TStore : IClientKeyStore, IUsageLedgerStore, IBudgetStore, IAlertStore, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>Opens an instance of the store on the test's storage (the same storage every time within a test).</summary>
    protected abstract TStore Open();

    private static ClientKeyRecord Key(string id, char hash) =>
        new(id, new string(hash, 64), "bwk_abcdefgh", null, "alice", "research", "pro", T0, T0.AddDays(30), null);

    private static BudgetLease Lease(string id, long tokens, decimal? cost, string user = "alice") =>
        new(id, T0, "key-1", user, "research", "free", "/v1/{**rest}", "gpt-4o", tokens, cost);

    [Fact]
    public async Task ClientKeys_AddFindListRevoke_RoundTrip_RevokingTwiceKeepsTheFirstTime()
    {
        using var store = Open();
        await store.AddClientKeyAsync(Key("key_1", 'A'), Ct);
        await store.AddClientKeyAsync(Key("key_2", 'B') with { Name = "ci" }, Ct);

        Assert.Equal(Key("key_1", 'A'), await store.FindClientKeyAsync(new string('A', 64), Ct));
        Assert.Null(await store.FindClientKeyAsync(new string('C', 64), Ct));
        Assert.Equal(["key_1", "key_2"], (await store.ListClientKeysAsync(10, Ct)).Select(static k => k.Id));
        Assert.Equal(["key_1"], (await store.ListClientKeysAsync(1, Ct)).Select(static k => k.Id));

        var revoked = await store.RevokeClientKeyAsync("key_2", T0.AddHours(1), Ct);
        Assert.Equal(T0.AddHours(1), revoked!.Revoked);
        var again = await store.RevokeClientKeyAsync("key_2", T0.AddHours(2), Ct);
        Assert.Equal(T0.AddHours(1), again!.Revoked);
        Assert.Null(await store.RevokeClientKeyAsync("key_9", T0, Ct));

        // Ids and hashes are unique.
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddClientKeyAsync(Key("key_3", 'A'), Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => store.AddClientKeyAsync(Key("key_1", 'D'), Ct));
    }

    [Fact]
    public async Task ClientKeys_AddedAndRevokedOnOneInstance_AreSeenByAnother()
    {
        using var one = Open();
        using var other = Open();
        await one.AddClientKeyAsync(Key("key_1", 'A'), Ct);
        Assert.Null((await other.FindClientKeyAsync(new string('A', 64), Ct))!.Revoked);

        await one.RevokeClientKeyAsync("key_1", T0.AddHours(1), Ct);
        Assert.Equal(T0.AddHours(1), (await other.FindClientKeyAsync(new string('A', 64), Ct))!.Revoked);
    }

    [Fact]
    public async Task Usage_Query_SumsRowsInTheRange_ByGroup_CostExact_UnpricedCountedApart()
    {
        using var store = Open();
        await store.AppendUsageAsync(
        [
            new UsageLedgerRow(T0, "abc", "alice", "/v1/{**rest}", "openai", "gpt-4o-mini", 1200, 200, 300, 0.000345m, 200),
            new UsageLedgerRow(T0.AddMinutes(1), "abc", "bob", "/v1/{**rest}", "openai", "gpt-4o-mini", 9, 4, 12, 0.00000825m, 200),
            new UsageLedgerRow(T0.AddMinutes(2), null, "alice", "/v1/{**rest}", "groq", "llama-3.1-8b-instant", 100, null, 50, null, 200),
            new UsageLedgerRow(T0.AddHours(2), "abc", "alice", "/v1/{**rest}", "openai", "gpt-4o-mini", 1, 0, 1, 1m, 200),
            new UsageLedgerRow(T0.AddMinutes(3), "hash", null, "/v1/{**rest}", "openai", "gpt-4o-mini", 1, 0, 1, 0m, 200) { ClientKeyId = "key_7" },
        ], Ct);

        var byProvider = await store.QueryUsageAsync(T0, T0.AddHours(1), UsageLedgerGrouping.Provider, Ct);
        var byUser = await store.QueryUsageAsync(T0, T0.AddHours(1), UsageLedgerGrouping.User, Ct);
        var byClient = await store.QueryUsageAsync(T0.AddMinutes(1), T0.AddHours(3), UsageLedgerGrouping.Client, Ct);
        var byModel = await store.QueryUsageAsync(T0, T0.AddHours(1), UsageLedgerGrouping.Model, Ct);
        var byRoute = await store.QueryUsageAsync(T0, T0.AddHours(1), UsageLedgerGrouping.Route, Ct);

        Assert.Equal(
        [
            new UsageLedgerTotal("openai", 3, 1210, 204, 313, 0.00035325m, 0),
            new UsageLedgerTotal("groq", 1, 100, 0, 50, 0m, 1),
        ], byProvider);
        Assert.Equal(new UsageLedgerTotal("alice", 2, 1300, 200, 350, 0.000345m, 1), byUser.Single(t => t.Key == "alice"));
        Assert.Equal(new UsageLedgerTotal("abc", 2, 10, 4, 13, 1.00000825m, 0), byClient.Single(t => t.Key == "abc"));
        Assert.Equal(new UsageLedgerTotal("key_7", 1, 1, 0, 1, 0m, 0), byClient.Single(t => t.Key == "key_7"));
        Assert.Equal(new UsageLedgerTotal(null, 1, 100, 0, 50, 0m, 1), byClient.Single(t => t.Key is null));
        Assert.Equal(2, byModel.Count);
        Assert.Equal(4, Assert.Single(byRoute).Requests);
    }

    [Fact]
    public async Task Usage_Prune_DeletesOnlyRowsBeforeTheTime_OldestFirst_AtMostTheStep()
    {
        using var store = Open();
        await store.AppendUsageAsync(
        [
            .. Enumerable.Range(0, 5).Select(static i => new UsageLedgerRow(T0.AddMinutes(-10 + i), null, null, "/r", "p", "m", 1, 0, 1, null, 200)),
            new UsageLedgerRow(T0, null, null, "/r", "p", "m", 100, 0, 100, null, 200),
        ], Ct);

        Assert.Equal(3, await store.PruneUsageAsync(T0, 3, Ct));
        Assert.Equal(2, await store.PruneUsageAsync(T0, 3, Ct));
        Assert.Equal(0, await store.PruneUsageAsync(T0, 3, Ct));

        // The row at T0 itself is kept: only rows completed before the time go.
        var left = await store.QueryUsageAsync(T0.AddDays(-1), T0.AddDays(1), UsageLedgerGrouping.Route, Ct);
        Assert.Equal(new UsageLedgerTotal("/r", 1, 100, 0, 100, 0m, 1), Assert.Single(left));
    }

    [Fact]
    public async Task Usage_AppendedByFourInstancesAtOnce_EveryRowIsSummed()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open()).ToArray();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = stores.Select((store, n) => Task.Run(async () =>
            {
                await start.Task;
                for (int batch = 0; batch < 25; batch++)
                {
                    await store.AppendUsageAsync(
                        [.. Enumerable.Range(0, 4).Select(i => new UsageLedgerRow(T0.AddMilliseconds(batch * 4 + i), null, $"user-{n}", "/v1", "p", "m", 10, 0, 5, 0.001m, 200))],
                        Ct);
                }
            })).ToArray();
            start.SetResult();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

            var totals = await stores[0].QueryUsageAsync(T0, T0.AddMinutes(1), UsageLedgerGrouping.User, Ct);
            Assert.Equal(4, totals.Count);
            Assert.All(totals, static t => Assert.Equal((100L, 1000L, 500L, 0.1m), (t.Requests, t.InputTokens, t.OutputTokens, t.Cost)));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    [Fact]
    public async Task Budgets_ALedgerRowWithItsLease_DeletesIt_TheRestAreChargedInFull_AtRecovery_AfterTheInstanceStopped()
    {
        using (var store = Open())
        {
            await store.AddBudgetLeasesAsync([Lease("a", 1_000, 0.01m), Lease("b", 2_000, 0.02m), Lease("c", 500, null, user: "bob")], Ct);
            await store.AppendUsageAsync(
            [
                new UsageLedgerRow(T0.AddSeconds(1), null, "alice", "/v1/{**rest}", "openai", "gpt-4o-2024-08-06", 300, 0, 100, 0.004m, 200)
                {
                    ClientKeyId = "key-1", BudgetUser = "alice", Team = "research", Tier = "free", RequestModel = "gpt-4o", LeaseId = "a", ChargedTokens = 400, ChargedCost = 0.004m,
                },
            ], Ct);
        }

        // The instance stopped with b and c in flight: another one (or the same, restarted) charges what they reserved.
        using var next = Open();
        var recovered = await next.RecoverBudgetLeasesAsync(T0.AddMinutes(5), Ct);
        Assert.Equal(["b", "c"], recovered.Select(static l => l.Id).Order());
        Assert.Equal(Lease("b", 2_000, 0.02m), recovered.Single(static l => l.Id == "b"));
        Assert.Empty(await next.RecoverBudgetLeasesAsync(T0.AddMinutes(6), Ct));

        var sums = await next.SumBudgetSpendAsync(T0.Date, T0.Date.AddDays(1), TimeSpan.FromDays(1), Ct);
        var alice = Assert.Single(sums, static s => s.User == "alice");
        Assert.Equal(400 + 2_000, alice.Tokens);
        Assert.Equal(0.004m + 0.02m, alice.Cost);
        Assert.Equal(("key-1", "research", "free", "gpt-4o"), (alice.ClientKeyId, alice.Team, alice.Tier, alice.Model));
        var bob = Assert.Single(sums, static s => s.User == "bob");
        Assert.Equal(500, bob.Tokens);
        Assert.Equal(0m, bob.Cost);

        var byUser = await next.QueryUsageAsync(T0.AddHours(-1), T0.AddHours(1), UsageLedgerGrouping.User, Ct);
        Assert.Equal(3, byUser.Sum(static t => t.Requests));
    }

    [Fact]
    public async Task Budgets_ReleasedLeases_AreNeverCharged()
    {
        using (var store = Open())
        {
            await store.AddBudgetLeasesAsync([Lease("a", 1_000, 0.01m), Lease("b", 2_000, 0.02m)], Ct);
            await store.ReleaseBudgetLeasesAsync(["a", "b", "unknown"], Ct);
        }

        using var next = Open();
        Assert.Empty(await next.RecoverBudgetLeasesAsync(T0.AddMinutes(5), Ct));
        Assert.Empty(await next.SumBudgetSpendAsync(T0.Date, T0.Date.AddDays(1), TimeSpan.FromDays(1), Ct));
    }

    [Fact]
    public async Task Budgets_Spend_WithoutChargedAmounts_CountsUsage_InBuckets()
    {
        using var store = Open();
        await store.AppendUsageAsync(
        [
            new UsageLedgerRow(T0, null, "alice", "/v1", "p", "m", 10, null, 5, 0.5m, 200),
            new UsageLedgerRow(T0.AddMinutes(30), null, "alice", "/v1", "p", "m", 1, null, null, null, 200),
            new UsageLedgerRow(T0.AddMinutes(61), null, "alice", "/v1", "p", "m", 100, null, 100, 1m, 200),
        ], Ct);
        var sums = (await store.SumBudgetSpendAsync(T0, T0.AddHours(2), TimeSpan.FromHours(1), Ct)).OrderBy(static s => s.BucketStart).ToList();
        Assert.Equal(2, sums.Count);
        Assert.Equal((T0, 16L, 0.5m), (sums[0].BucketStart, sums[0].Tokens, sums[0].Cost));
        Assert.Equal((T0.AddHours(1), 200L, 1m), (sums[1].BucketStart, sums[1].Tokens, sums[1].Cost));

        // The user a request named itself (no identity) is not whom budgets count.
        Assert.All(sums, static s => Assert.Null(s.User));
    }

    [Fact]
    public async Task Budgets_AdminBudgets_AreSaved_Replaced_Listed_Deleted_NamesCaseInsensitive()
    {
        using var store = Open();
        await store.SaveBudgetAsync(new StoredBudget("team-a", """{"Per":"Team","Cost":10}""", T0), Ct);
        await store.SaveBudgetAsync(new StoredBudget("team-a", """{"Per":"Team","Cost":20}""", T0.AddMinutes(1)), Ct);
        var listed = Assert.Single(await store.ListBudgetsAsync(Ct));
        Assert.Equal(("team-a", """{"Per":"Team","Cost":20}""", T0.AddMinutes(1)), (listed.Name, listed.Definition, listed.Updated));

        // Names differ only in case: one budget (the gateway matches budget names case-insensitively).
        await store.SaveBudgetAsync(new StoredBudget("TEAM-A", """{"Per":"Team","Cost":30}""", T0.AddMinutes(2)), Ct);
        Assert.Equal("""{"Per":"Team","Cost":30}""", Assert.Single(await store.ListBudgetsAsync(Ct)).Definition);
        await store.SaveBudgetAsync(new StoredBudget("b-team", "{}", T0), Ct);
        Assert.Equal(["b-team", "team-a"], (await store.ListBudgetsAsync(Ct)).Select(static b => b.Name));
        Assert.True(await store.DeleteBudgetAsync("Team-A", Ct));
        Assert.False(await store.DeleteBudgetAsync("team-a", Ct));
        Assert.Equal(["b-team"], (await store.ListBudgetsAsync(Ct)).Select(static b => b.Name));
    }

    [Fact]
    public async Task Alerts_SavedChanges_AreReadBackByTheNextInstance_WithTheNotificationsNotMarkedEnqueuedAsPending()
    {
        using (var store = Open())
        {
            await store.SaveAlertChangesAsync(new AlertStoreChanges
            {
                Alerts = [new StoredAlert("a1", """{"v":1}"""), new StoredAlert("a2", """{"v":1}""")],
                Silences = [new StoredAlertSilence("s1", """{"m":1}""")],
                Notifications = [new StoredAlertNotification("n1", "bulwark.alerts.slack", """{"id":"n1"}""", T0), new StoredAlertNotification("n2", "bulwark.alerts.email", """{"id":"n2"}""", T0.AddSeconds(1))],
            }, T0, Ct);

            // Replaced, removed; a notification stored twice stays as first stored.
            await store.SaveAlertChangesAsync(new AlertStoreChanges
            {
                Alerts = [new StoredAlert("a1", """{"v":2}""")],
                RemovedAlertIds = ["a2"],
                Notifications = [new StoredAlertNotification("n1", "bulwark.alerts.slack", """{"id":"changed"}""", T0)],
            }, T0, Ct);
            await store.MarkAlertNotificationsEnqueuedAsync(["n1"], T0.AddSeconds(2), Ct);
        }

        using var next = Open();
        var book = await next.LoadAlertsAsync(Ct);
        Assert.Equal([new StoredAlert("a1", """{"v":2}""")], book.Alerts);
        Assert.Equal([new StoredAlertSilence("s1", """{"m":1}""")], book.Silences);
        var pending = Assert.Single(book.PendingNotifications);
        Assert.Equal(new StoredAlertNotification("n2", "bulwark.alerts.email", """{"id":"n2"}""", T0.AddSeconds(1)), pending);

        await next.SaveAlertChangesAsync(new AlertStoreChanges { RemovedSilenceIds = ["s1"] }, T0, Ct);
        Assert.Empty((await next.LoadAlertsAsync(Ct)).Silences);
    }

    [Fact]
    public async Task Alerts_Prune_DeletesTheMarksEnqueuedBeforeTheTime_KeepsThePending()
    {
        using var store = Open();
        await store.SaveAlertChangesAsync(new AlertStoreChanges
        {
            Notifications = [new("old", "q", "{}", T0), new("new", "q", "{}", T0), new("pending", "q", "{}", T0)],
        }, T0, Ct);
        await store.MarkAlertNotificationsEnqueuedAsync(["old"], T0, Ct);
        await store.MarkAlertNotificationsEnqueuedAsync(["new"], T0.AddHours(2), Ct);

        Assert.Equal(1, await store.PruneAlertNotificationsAsync(T0.AddHours(1), Ct));
        Assert.Equal(["pending"], (await store.LoadAlertsAsync(Ct)).PendingNotifications.Select(static n => n.Id));
        Assert.Equal(0, await store.PruneAlertNotificationsAsync(T0.AddHours(1), Ct));
    }

    [Fact]
    public async Task Alerts_TheSameNotificationsWrittenByFourInstancesAtOnce_AreStoredOnce()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => Open()).ToArray();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = stores.Select((store, n) => Task.Run(async () =>
            {
                await start.Task;
                for (int step = 0; step < 10; step++)
                {
                    await store.SaveAlertChangesAsync(new AlertStoreChanges
                    {
                        Alerts = [new StoredAlert($"alert-{n}", $$"""{"step":{{step}}}""")],
                        Notifications = [new StoredAlertNotification($"n-{step}", "q", $$"""{"by":{{n}}}""", T0.AddSeconds(step))],
                    }, T0, Ct);
                }
            })).ToArray();
            start.SetResult();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

            var book = await stores[0].LoadAlertsAsync(Ct);
            Assert.Equal([.. Enumerable.Range(0, 4).Select(static n => new StoredAlert($"alert-{n}", """{"step":9}"""))], book.Alerts);
            Assert.Equal([.. Enumerable.Range(0, 10).Select(static s => $"n-{s}")], book.PendingNotifications.Select(static p => p.Id));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }
}
