using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Polly.CircuitBreaker;
using static Bulwark.Storage.Sqlite.Tests.Infrastructure.Entries;

namespace Bulwark.Storage.Sqlite.Tests;

/// <summary>
/// What every Bulwark store promises (<see cref="IDeliveryStore"/> and <see cref="ICircuitBreakerStateStore"/>), run against
/// each implementation by a subclass.
/// </summary>
public abstract class StoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    protected abstract IDeliveryStore Store { get; }

    private ICircuitBreakerStateStore Breakers => (ICircuitBreakerStateStore)Store;

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Enqueue_SameKeyTwice_KeepsTheFirstAndReportsNotCreated()
    {
        var first = New("order-1");
        var second = New("order-1", envelope: DeliveryEnvelope.ForPayload("{\"amount\":99}"u8.ToArray()));

        var (stored1, created1) = await Store.EnqueueAsync(first, Ct);
        var (stored2, created2) = await Store.EnqueueAsync(second, Ct);

        Assert.True(created1);
        Assert.Equal(first.Id, stored1.Id);
        Assert.False(created2);
        Assert.Equal(first.Id, stored2.Id);
        Assert.Equal("{\"amount\":42}"u8.ToArray(), stored2.Envelope.Body.ToArray());
        Assert.Null(await Store.GetAsync(second.Id, Ct));
        Assert.Equal(1, (await Store.CountAsync(Ct))[DeliveryState.Pending]);
    }

    [Fact]
    public async Task Enqueue_SameKeyInAnotherQueue_IsAnotherEntry()
    {
        Assert.True((await Store.EnqueueAsync(New("order-1", queue: "payments"), Ct)).Created);
        Assert.True((await Store.EnqueueAsync(New("order-1", queue: "refunds"), Ct)).Created);
        Assert.Equal("refunds", (await Store.FindAsync("refunds", "order-1", Ct))!.Queue);
        Assert.Null(await Store.FindAsync("payments", "order-2", Ct));
    }

    [Fact]
    public async Task Enqueue_SameKeyFromFiftyParallelTasks_CreatesExactlyOne()
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await Store.EnqueueAsync(New("order-1"), Ct);
        }, Ct)).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Single(results, r => r.Created);
        var winner = results.Single(r => r.Created).Entry.Id;
        Assert.All(results, r => Assert.Equal(winner, r.Entry.Id));
        Assert.Single(await Store.ListAsync(null, 100, Ct));
    }

    [Fact]
    public async Task LeaseDue_MarksInProgress_RaisesAttempts_AndSetsTheLease()
    {
        var entry = New("order-1");
        await Store.EnqueueAsync(entry, Ct);

        var leased = Assert.Single(await Store.LeaseDueAsync("dispatcher-a", T0, Lease, 10, Ct));

        Assert.Equal(entry.Id, leased.Id);
        Assert.Equal(DeliveryState.InProgress, leased.State);
        Assert.Equal(1, leased.Attempts);
        Assert.Equal("dispatcher-a", leased.LeaseOwner);
        Assert.Equal(T0 + Lease, leased.LeaseExpiresAt);
        Assert.Equal(leased, await Store.GetAsync(entry.Id, Ct), EntryComparer.Instance);
        Assert.Empty(await Store.LeaseDueAsync("dispatcher-b", T0, Lease, 10, Ct));
    }

    [Fact]
    public async Task LeaseDue_TakesOnlyDueEntries_OldestFirst_AtMostMaxCount()
    {
        var e1 = New("k1", createdAt: T0);
        var e2 = New("k2", createdAt: T0.AddSeconds(1));
        var later = New("k3", createdAt: T0.AddSeconds(2), nextAttemptAt: T0.AddMinutes(5));
        var e4 = New("k4", createdAt: T0.AddSeconds(3));
        foreach (var e in new[] { e1, e2, later, e4 })
        {
            await Store.EnqueueAsync(e, Ct);
        }

        var now = T0.AddSeconds(10);
        Assert.Equal([e1.Id, e2.Id], Ids(await Store.LeaseDueAsync("a", now, Lease, 2, Ct)));
        Assert.Equal([e4.Id], Ids(await Store.LeaseDueAsync("a", now, Lease, 10, Ct)));
        Assert.Empty(await Store.LeaseDueAsync("a", T0.AddMinutes(5).AddMilliseconds(-1), Lease, 10, Ct));
        Assert.Equal([later.Id], Ids(await Store.LeaseDueAsync("a", T0.AddMinutes(5), Lease, 10, Ct)));
    }

    [Fact]
    public async Task LeaseDue_OrderingKey_HoldsALaterEntryBackWhileAnEarlierOneIsUnfinished()
    {
        var a1 = New("a1", orderingKey: "account-1");
        var a2 = New("a2", orderingKey: "account-1");
        var b1 = New("b1", orderingKey: "account-2");
        var free = New("free");
        var otherQueue = New("a1", queue: "refunds", orderingKey: "account-1");
        foreach (var e in new[] { a1, a2, b1, free, otherQueue })
        {
            await Store.EnqueueAsync(e, Ct);
        }

        Assert.Equal([a1.Id, b1.Id, free.Id, otherQueue.Id], Ids(await Store.LeaseDueAsync("a", T0, Lease, 10, Ct)));

        // a1 in progress, then pending again (a retry later): a2 still waits.
        Assert.Empty(await Store.LeaseDueAsync("a", T0, Lease, 10, Ct));
        Assert.True(await Store.CompleteAsync(a1.Id, "a", DeliveryCompletion.Retry(T0, T0.AddSeconds(5), "503"), Ct));
        Assert.Empty(await Store.LeaseDueAsync("a", T0.AddSeconds(1), Lease, 10, Ct));

        Assert.Equal([a1.Id], Ids(await Store.LeaseDueAsync("a", T0.AddSeconds(5), Lease, 10, Ct)));
        Assert.True(await Store.CompleteAsync(a1.Id, "a", DeliveryCompletion.Dead(T0.AddSeconds(5), "refused"), Ct));
        Assert.Equal([a2.Id], Ids(await Store.LeaseDueAsync("a", T0.AddSeconds(5), Lease, 10, Ct)));
    }

    [Fact]
    public async Task Complete_ByAnotherOwner_ReturnsFalse_AndChangesNothing()
    {
        var entry = New("order-1");
        await Store.EnqueueAsync(entry, Ct);
        var leased = (await Store.LeaseDueAsync("owner", T0, Lease, 1, Ct))[0];

        Assert.False(await Store.CompleteAsync(entry.Id, "intruder", DeliveryCompletion.Delivered(T0, Response()), Ct));
        Assert.False(await Store.CompleteAsync("no-such-id", "owner", DeliveryCompletion.Delivered(T0, Response()), Ct));

        Assert.Equal(leased, await Store.GetAsync(entry.Id, Ct), EntryComparer.Instance);
    }

    [Fact]
    public async Task Complete_AfterTheLeaseWasReleased_ReturnsFalse_AndChangesNothing()
    {
        var entry = New("order-1");
        await Store.EnqueueAsync(entry, Ct);
        await Store.LeaseDueAsync("slow", T0, Lease, 1, Ct);
        Assert.Equal(1, await Store.ReleaseExpiredLeasesAsync(T0 + Lease + TimeSpan.FromSeconds(1), Ct));
        var released = await Store.GetAsync(entry.Id, Ct);

        Assert.False(await Store.CompleteAsync(entry.Id, "slow", DeliveryCompletion.Delivered(T0, Response()), Ct));
        Assert.Equal(released, await Store.GetAsync(entry.Id, Ct), EntryComparer.Instance);

        // Leased again by another dispatcher: the slow one still cannot complete it.
        await Store.LeaseDueAsync("fast", T0 + Lease + TimeSpan.FromSeconds(1), Lease, 1, Ct);
        Assert.False(await Store.CompleteAsync(entry.Id, "slow", DeliveryCompletion.Dead(T0, "late"), Ct));
        Assert.Equal(DeliveryState.InProgress, (await Store.GetAsync(entry.Id, Ct))!.State);
        Assert.True(await Store.CompleteAsync(entry.Id, "fast", DeliveryCompletion.Delivered(T0, Response()), Ct));
    }

    [Fact]
    public async Task Complete_Delivered_KeepsTheResponse_ClearsTheError_AndWaitsForNotification()
    {
        var entry = New("order-1");
        await Store.EnqueueAsync(entry, Ct);
        await Store.LeaseDueAsync("a", T0, Lease, 1, Ct);
        Assert.True(await Store.CompleteAsync(entry.Id, "a", DeliveryCompletion.Retry(T0, T0.AddSeconds(2), "503 from provider"), Ct));
        var retried = (await Store.GetAsync(entry.Id, Ct))!;
        Assert.Equal((DeliveryState.Pending, T0.AddSeconds(2), "503 from provider", (DateTimeOffset?)null, (string?)null), (retried.State, retried.NextAttemptAt, retried.LastError, retried.CompletedAt, retried.LeaseOwner));

        await Store.LeaseDueAsync("a", T0.AddSeconds(2), Lease, 1, Ct);
        var body = new byte[] { 0, 1, 2, 0xFF, 0xFE };
        Assert.True(await Store.CompleteAsync(entry.Id, "a", DeliveryCompletion.Delivered(T0.AddSeconds(3), new DeliveryResponse(201, "application/octet-stream", body)), Ct));

        var delivered = (await Store.GetAsync(entry.Id, Ct))!;
        Assert.Equal(DeliveryState.Delivered, delivered.State);
        Assert.Equal(2, delivered.Attempts);
        Assert.Null(delivered.LastError);
        Assert.Null(delivered.LeaseOwner);
        Assert.Null(delivered.LeaseExpiresAt);
        Assert.Equal(T0.AddSeconds(3), delivered.CompletedAt);
        Assert.Equal(201, delivered.Response!.Status);
        Assert.Equal("application/octet-stream", delivered.Response.ContentType);
        Assert.Equal(body, delivered.Response.Body.ToArray());
        Assert.False(delivered.Notified);
        Assert.Equal([entry.Id], Ids(await Store.ListUnnotifiedAsync(10, Ct)));

        await Store.MarkNotifiedAsync(entry.Id, Ct);
        Assert.True((await Store.GetAsync(entry.Id, Ct))!.Notified);
        Assert.Empty(await Store.ListUnnotifiedAsync(10, Ct));
    }

    [Fact]
    public async Task ReleaseExpiredLeases_ReturnsStuckWork_AndListStuckShowsItFirst()
    {
        var stuck = New("order-1");
        var healthy = New("order-2");
        await Store.EnqueueAsync(stuck, Ct);
        await Store.LeaseDueAsync("dead-process", T0, TimeSpan.FromSeconds(10), 1, Ct);
        await Store.EnqueueAsync(healthy, Ct);
        await Store.LeaseDueAsync("alive", T0.AddSeconds(8), TimeSpan.FromSeconds(10), 1, Ct);

        Assert.Empty(await Store.ListStuckAsync(T0.AddSeconds(5), 10, Ct));
        Assert.Equal(0, await Store.ReleaseExpiredLeasesAsync(T0.AddSeconds(5), Ct));

        var now = T0.AddSeconds(11);
        var listed = Assert.Single(await Store.ListStuckAsync(now, 10, Ct));
        Assert.Equal((stuck.Id, "dead-process"), (listed.Id, listed.LeaseOwner));
        Assert.Equal(1, await Store.ReleaseExpiredLeasesAsync(now, Ct));

        var returned = (await Store.GetAsync(stuck.Id, Ct))!;
        Assert.Equal(DeliveryState.Pending, returned.State);
        Assert.Null(returned.LeaseOwner);
        Assert.Null(returned.LeaseExpiresAt);
        Assert.Equal(now, returned.NextAttemptAt);
        Assert.Equal(1, returned.Attempts);
        Assert.Equal(DeliveryState.InProgress, (await Store.GetAsync(healthy.Id, Ct))!.State);

        var again = Assert.Single(await Store.LeaseDueAsync("me", now, Lease, 10, Ct));
        Assert.Equal((stuck.Id, 2, "me"), (again.Id, again.Attempts, again.LeaseOwner));
    }

    [Fact]
    public async Task Replay_OnlyDeadEntries_ResetsAttemptsAndTimeToLive()
    {
        var dead = New("dead", maxAttempts: 1);
        var pending = New("pending");
        await Store.EnqueueAsync(dead, Ct);
        await Store.LeaseDueAsync("a", T0, Lease, 1, Ct);
        await Store.CompleteAsync(dead.Id, "a", DeliveryCompletion.Dead(T0.AddSeconds(1), "400 refused", Response(400)), Ct);
        await Store.EnqueueAsync(pending, Ct);

        var now = T0.AddHours(3);
        Assert.False(await Store.ReplayAsync(pending.Id, now, TimeSpan.FromHours(2), Ct));
        Assert.False(await Store.ReplayAsync(DeliveryIds.Create(), now, TimeSpan.FromHours(2), Ct));
        Assert.Equal(pending, await Store.GetAsync(pending.Id, Ct), EntryComparer.Instance);

        Assert.True(await Store.ReplayAsync(dead.Id, now, TimeSpan.FromHours(2), Ct));
        var replayed = (await Store.GetAsync(dead.Id, Ct))!;
        Assert.Equal(DeliveryState.Pending, replayed.State);
        Assert.Equal(0, replayed.Attempts);
        Assert.Equal(now, replayed.NextAttemptAt);
        Assert.Equal(now.AddHours(2), replayed.ExpiresAt);
        Assert.Null(replayed.CompletedAt);
        Assert.Null(replayed.Response);
        Assert.False(await Store.ReplayAsync(dead.Id, now, TimeSpan.FromHours(2), Ct));
        Assert.Equal(dead.Id, Assert.Single(await Store.LeaseDueAsync("a", now, Lease, 1, Ct)).Id);
    }

    [Fact]
    public async Task Purge_DeletesOnlyFinishedEntriesOfThatStateCompletedBeforeTheCutOff()
    {
        var oldDelivered = await Finish(New("old-delivered"), T0.AddSeconds(1), delivered: true);
        var newDelivered = await Finish(New("new-delivered"), T0.AddSeconds(30), delivered: true);
        var oldDead = await Finish(New("old-dead"), T0.AddSeconds(1), delivered: false);
        var pending = New("pending");
        await Store.EnqueueAsync(pending, Ct);

        Assert.Equal(1, await Store.PurgeAsync(DeliveryState.Delivered, T0.AddSeconds(10), Ct));
        Assert.Null(await Store.GetAsync(oldDelivered, Ct));
        Assert.NotNull(await Store.GetAsync(newDelivered, Ct));
        Assert.NotNull(await Store.GetAsync(oldDead, Ct));
        Assert.NotNull(await Store.GetAsync(pending.Id, Ct));

        Assert.Equal(0, await Store.PurgeAsync(DeliveryState.Dead, T0.AddSeconds(1), Ct));
        Assert.Equal(1, await Store.PurgeAsync(DeliveryState.Dead, T0.AddDays(1), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.PurgeAsync(DeliveryState.Pending, T0.AddDays(1), Ct));
        Assert.Equal([newDelivered, pending.Id], Ids(await Store.ListAsync(null, 10, Ct)));
    }

    [Fact]
    public async Task Count_GivesEveryState_ZeroForNone()
    {
        Assert.Equal(Enum.GetValues<DeliveryState>().ToDictionary(s => s, _ => 0L), await Store.CountAsync(Ct));

        await Finish(New("d1"), T0, delivered: true);
        await Finish(New("d2"), T0, delivered: true);
        await Finish(New("x1"), T0, delivered: false);
        await Store.EnqueueAsync(New("p1"), Ct);
        await Store.EnqueueAsync(New("p2"), Ct);
        await Store.EnqueueAsync(New("p3"), Ct);
        await Store.LeaseDueAsync("a", T0, Lease, 1, Ct);

        var counts = await Store.CountAsync(Ct);
        Assert.Equal(2, counts[DeliveryState.Pending]);
        Assert.Equal(1, counts[DeliveryState.InProgress]);
        Assert.Equal(2, counts[DeliveryState.Delivered]);
        Assert.Equal(1, counts[DeliveryState.Dead]);
        Assert.Equal(2, (await Store.ListAsync(DeliveryState.Pending, 10, Ct)).Count);
        Assert.Single(await Store.ListAsync(DeliveryState.Pending, 1, Ct));
    }

    [Fact]
    public async Task List_AtMostMaxCount_ZeroMeansNone()
    {
        await Store.EnqueueAsync(New("k1"), Ct);
        await Store.EnqueueAsync(New("k2"), Ct);

        Assert.Empty(await Store.ListAsync(null, 0, Ct));
        Assert.Empty(await Store.ListAsync(DeliveryState.Pending, 0, Ct));
        Assert.Single(await Store.ListAsync(null, 1, Ct));
        Assert.Equal(2, (await Store.ListAsync(null, 5, Ct)).Count);
    }

    [Fact]
    public async Task LeaseDue_WithoutAnOwnerOrACount_IsRejected()
    {
        await Store.EnqueueAsync(New("k1"), Ct);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.LeaseDueAsync("", T0, Lease, 1, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.LeaseDueAsync("a", T0, Lease, 0, Ct));
        Assert.Equal(DeliveryState.Pending, Assert.Single(await Store.ListAsync(null, 10, Ct)).State);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    public async Task Envelope_RoundTrips_EveryField(int bodyLength)
    {
        var body = Enumerable.Range(0, bodyLength).Select(i => (byte)(i * 7)).ToArray();
        var envelope = new DeliveryEnvelope(
            "POST",
            "/v1/charges?currency=EUR&note=caf%C3%A9",
            [new("X-Note", "naïve café — 日本語 🚀"), new("X-Empty", ""), new("X-Note", "second \"quoted\" value, with \\ and \n")],
            "application/octet-stream",
            body);
        var entry = New("order-ü-1", orderingKey: "account-ß", envelope: envelope) with { MaxAttempts = 7, Attempts = 1 };
        await Store.EnqueueAsync(entry, Ct);

        var stored = (await Store.GetAsync(entry.Id, Ct))!;
        Assert.Equal(entry, stored, EntryComparer.Instance);
        Assert.Equal(envelope.Headers, stored.Envelope.Headers);
        Assert.Equal(body, stored.Envelope.Body.ToArray());
        Assert.Equal(entry, await Store.FindAsync("payments", "order-ü-1", Ct), EntryComparer.Instance);
    }

    [Fact]
    public async Task Envelope_WithoutHttpFields_RoundTripsAsNulls()
    {
        var entry = New("order-1", envelope: DeliveryEnvelope.ForPayload(ReadOnlyMemory<byte>.Empty));
        await Store.EnqueueAsync(entry, Ct);
        var stored = (await Store.GetAsync(entry.Id, Ct))!;
        Assert.Null(stored.Envelope.Method);
        Assert.Null(stored.Envelope.Target);
        Assert.Null(stored.Envelope.ContentType);
        Assert.Null(stored.OrderingKey);
        Assert.Empty(stored.Envelope.Headers);
        Assert.True(stored.Envelope.Body.IsEmpty);
    }

    [Fact]
    public async Task BreakerSnapshot_RoundTrips_WithCaseInsensitiveKeys()
    {
        var open = new CircuitBreakerSnapshot(CircuitState.Open, T0.AddSeconds(30), 3, 0.125, 840.5, T0, CircuitTransitionReason.ConsecutiveFailures, T0.AddMilliseconds(5));
        var closed = new CircuitBreakerSnapshot(CircuitState.Closed, null, 0, 0, 0, null, CircuitTransitionReason.None, T0);
        await Breakers.SaveBreakerStateAsync("payments/provider-a", open, Ct);
        await Breakers.SaveBreakerStateAsync("payments/provider-b", closed, Ct);

        var loaded = await Breakers.LoadBreakerStatesAsync(Ct);
        Assert.Equal(2, loaded.Count);
        Assert.Equal(open, loaded["PAYMENTS/Provider-A"]);
        Assert.Equal(closed, loaded["payments/provider-b"]);
    }

    [Fact]
    public async Task BreakerSnapshot_Newer_ReplacesTheOlder_ButAnOlderOneDoesNotOverwriteANewer()
    {
        var older = new CircuitBreakerSnapshot(CircuitState.Open, T0.AddSeconds(30), 1, 0, 0, T0, CircuitTransitionReason.ConsecutiveFailures, T0);
        var newer = new CircuitBreakerSnapshot(CircuitState.Closed, null, 0, 0, 0, T0.AddSeconds(31), CircuitTransitionReason.ProbesSucceeded, T0.AddSeconds(31));

        await Breakers.SaveBreakerStateAsync("payments/payments", older, Ct);
        await Breakers.SaveBreakerStateAsync("payments/payments", newer, Ct);
        Assert.Equal(newer, (await Breakers.LoadBreakerStatesAsync(Ct))["payments/payments"]);

        // A late writer (another instance, or a save that was queued) brings the older snapshot.
        await Breakers.SaveBreakerStateAsync("Payments/Payments", older, Ct);
        Assert.Equal(newer, Assert.Single(await Breakers.LoadBreakerStatesAsync(Ct)).Value);
    }

    private static string[] Ids(IEnumerable<DeliveryEntry> entries) => [.. entries.Select(e => e.Id)];

    private async Task<string> Finish(DeliveryEntry entry, DateTimeOffset at, bool delivered)
    {
        await Store.EnqueueAsync(entry, Ct);
        var leased = await Store.LeaseDueAsync("finisher", entry.NextAttemptAt, Lease, 1, Ct);
        Assert.Equal(entry.Id, Assert.Single(leased).Id);
        var completion = delivered ? DeliveryCompletion.Delivered(at, Response()) : DeliveryCompletion.Dead(at, "refused", Response(400));
        Assert.True(await Store.CompleteAsync(entry.Id, "finisher", completion, Ct));
        return entry.Id;
    }
}
