using Bulwark.Deliveries;
using Microsoft.Extensions.DependencyInjection;
using static Bulwark.Tests.Deliveries.DispatcherHarness;

namespace Bulwark.Tests.Deliveries;

public class DeliveryDispatcherTests
{
    [Fact]
    public async Task RunOnce_HandlerDelivers_EntryDelivered_ObserverToldOnceWithTheResponse()
    {
        await using var h = new DispatcherHarness();
        var ticket = await h.EnqueueAsync();

        Assert.Equal(1, await h.RunOnceAsync());
        Assert.Equal(0, await h.RunOnceAsync());

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Delivered, entry.State);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(T0, entry.CompletedAt);
        Assert.True(entry.Notified);
        Assert.Equal("order-1", Assert.Single(h.Calls).IdempotencyKey);
        var told = Assert.Single(h.Observer.Delivered);
        Assert.Equal(ticket.Id, told.Id);
        Assert.Equal(DeliveryState.Delivered, told.State);
        Assert.Equal(200, told.Response!.Status);
        Assert.Equal("{\"charge\":\"ch_1\"}"u8.ToArray(), told.Response.Body.ToArray());
    }

    [Fact]
    public async Task RunOnce_HandlerFails_EntryWaitsOneEqualJitterBackoff_GrowingExponentially()
    {
        await using var h = new DispatcherHarness { Random = 0.25 };
        h.Handler = (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Failed("503 from provider"));
        var ticket = await h.EnqueueAsync();

        await h.RunOnceAsync();
        var first = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Pending, first.State);
        Assert.Equal("503 from provider", first.LastError);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1.25), first.NextAttemptAt); // base 2 s: 1 s + 0.25 × 1 s

        h.Time.Advance(TimeSpan.FromSeconds(1.2));
        Assert.Equal(0, await h.RunOnceAsync()); // not due yet
        h.Time.Advance(TimeSpan.FromSeconds(0.05));
        Assert.Equal(1, await h.RunOnceAsync());
        var second = await h.GetAsync(ticket.Id);
        Assert.Equal(2, second.Attempts);
        Assert.Equal(h.Time.GetUtcNow() + TimeSpan.FromSeconds(2.5), second.NextAttemptAt); // 4 s: 2 s + 0.25 × 2 s
        Assert.Empty(h.Observer.Delivered);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.999999)]
    public async Task RunOnce_HandlerFails_DelayStaysWithinTheEqualJitterBounds(double random)
    {
        await using var h = new DispatcherHarness { Random = random };
        h.Handler = (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Failed("503"));
        var ticket = await h.EnqueueAsync();

        await h.RunOnceAsync();

        var delay = (await h.GetAsync(ticket.Id)).NextAttemptAt - T0;
        Assert.InRange(delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData(5, 5)] // longer than the backoff: honoured
    [InlineData(600, 60)] // longer than MaxDelay: capped at MaxDelay
    [InlineData(0.5, 1.5)] // shorter than the backoff: the backoff wins
    public async Task RunOnce_RetryAfter_IsHonouredUpToMaxDelay(double retryAfterSeconds, double expectedSeconds)
    {
        await using var h = new DispatcherHarness();
        h.Handler = (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Failed("429", TimeSpan.FromSeconds(retryAfterSeconds)));
        var ticket = await h.EnqueueAsync();

        await h.RunOnceAsync();

        Assert.Equal(T0 + TimeSpan.FromSeconds(expectedSeconds), (await h.GetAsync(ticket.Id)).NextAttemptAt);
    }

    [Fact]
    public async Task RunOnce_AttemptsExhausted_EntryDiesWithTheReason_ObserverNotTold()
    {
        await using var h = new DispatcherHarness();
        h.Handler = (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Failed("503"));
        var ticket = await h.EnqueueAsync(options: new DeliveryEnqueueOptions { MaxAttempts = 2 });

        await h.RunOnceAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.RunOnceAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await h.RunOnceAsync());

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Dead, entry.State);
        Assert.Equal(2, entry.Attempts);
        Assert.Equal("Gave up after 2 attempt(s); last error: 503", entry.LastError);
        Assert.Equal(T0 + TimeSpan.FromMinutes(1), entry.CompletedAt);
        Assert.Equal(2, h.Calls.Count);
        Assert.Empty(h.Observer.Delivered);
    }

    [Fact]
    public async Task RunOnce_TimeToLiveEndedBeforeTheAttempt_EntryDies_HandlerNotCalled()
    {
        await using var h = new DispatcherHarness();
        var ticket = await h.EnqueueAsync(options: new DeliveryEnqueueOptions { TimeToLive = TimeSpan.FromSeconds(5) });

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.RunOnceAsync();

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Dead, entry.State);
        Assert.Equal("Time to live ended before delivery (0 attempt(s) made).", entry.LastError);
        Assert.Empty(h.Calls);
        Assert.Empty(h.Observer.Delivered);
    }

    [Fact]
    public async Task RunOnce_NextAttemptWouldBeAfterTheTimeToLive_EntryDiesNow()
    {
        await using var h = new DispatcherHarness(o => o.BaseDelay = TimeSpan.FromSeconds(20));
        h.Handler = (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Failed("503"));
        var ticket = await h.EnqueueAsync(options: new DeliveryEnqueueOptions { TimeToLive = TimeSpan.FromSeconds(10) });

        await h.RunOnceAsync();

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Dead, entry.State);
        Assert.Equal("Time to live ends before the next attempt; last error: 503", entry.LastError);
        Assert.Single(h.Calls);
    }

    [Fact]
    public async Task RunOnce_Refused_EntryDiesWithTheResponse_ObserverNeverTold()
    {
        await using var h = new DispatcherHarness();
        h.Handler = (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Refused(Ok(422, "{\"error\":\"card declined\"}"), "422 card declined"));
        var ticket = await h.EnqueueAsync();

        await h.RunOnceAsync();
        h.Time.Advance(TimeSpan.FromHours(1));
        await h.RunOnceAsync();

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Dead, entry.State);
        Assert.Equal("422 card declined", entry.LastError);
        Assert.Equal(422, entry.Response!.Status);
        Assert.Single(h.Calls);
        Assert.Empty(h.Observer.Delivered);
        Assert.False(entry.Notified);
    }

    [Fact]
    public async Task RunOnce_HandlerThrows_CountsAsAFailedAttempt()
    {
        await using var h = new DispatcherHarness();
        h.Handler = (_, _) => throw new InvalidOperationException("bug in the handler, with a secret=hunter2");
        var ticket = await h.EnqueueAsync();

        await h.RunOnceAsync();

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Pending, entry.State);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal("The handler threw InvalidOperationException.", entry.LastError);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1.5), entry.NextAttemptAt);
    }

    [Fact]
    public async Task RunOnce_AttemptTimesOut_CountsAsAFailedAttempt()
    {
        await using var h = new DispatcherHarness(o => o.AttemptTimeout = TimeSpan.FromSeconds(10));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Handler = async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return DeliveryAttemptResult.Delivered(Ok());
        };
        var ticket = await h.EnqueueAsync();

        var pass = h.RunOnceAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        h.Time.Advance(TimeSpan.FromSeconds(10));
        await pass;

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Pending, entry.State);
        Assert.Equal("The attempt timed out after 10 s.", entry.LastError);
    }

    [Fact]
    public async Task RunOnce_Stopping_HandsTheEntryBackAtOnce()
    {
        await using var h = new DispatcherHarness();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Handler = async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return DeliveryAttemptResult.Delivered(Ok());
        };
        var ticket = await h.EnqueueAsync();
        using var stopping = new CancellationTokenSource();

        var pass = h.RunOnceAsync(stopping.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.CancelAsync();
        Assert.Equal(1, await pass);

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Pending, entry.State);
        Assert.Null(entry.LeaseOwner);
        Assert.Equal(T0, entry.NextAttemptAt);
        Assert.Equal("Interrupted by shutdown.", entry.LastError);
    }

    [Fact]
    public async Task RunOnce_NoHandlerForTheQueue_EntryDiesWithTheReason()
    {
        await using var h = new DispatcherHarness();
        var ticket = await h.EnqueueAsync(queue: "orders");

        await h.RunOnceAsync();

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Dead, entry.State);
        Assert.Equal("No delivery handler is registered for queue 'orders'.", entry.LastError);
        Assert.Empty(h.Calls);
    }

    [Fact]
    public async Task RunOnce_AnyKeyHandler_ServesQueuesWithoutTheirOwn_AQueueHandlerWins()
    {
        var anyKeyCalls = new List<string>();
        await using var h = new DispatcherHarness(services: s => s.AddKeyedSingleton<IDeliveryHandler>(KeyedService.AnyKey, new DelegateHandler(entry =>
        {
            lock (anyKeyCalls)
            {
                anyKeyCalls.Add(entry.Queue);
            }

            return DeliveryAttemptResult.Delivered(Ok(202));
        })));
        var orders = await h.EnqueueAsync(queue: "orders");
        var payments = await h.EnqueueAsync(queue: "payments");

        await h.RunOnceAsync();

        Assert.Equal(["orders"], anyKeyCalls);
        Assert.Equal("payments", Assert.Single(h.Calls).Queue);
        Assert.Equal(202, (await h.GetAsync(orders.Id)).Response!.Status);
        Assert.Equal(200, (await h.GetAsync(payments.Id)).Response!.Status);
        Assert.Equal(2, h.Observer.Delivered.Count);
    }

    [Fact]
    public async Task RunOnce_StuckWorkOfADeadProcess_IsReturnedAndDeliveredByThisDispatcher()
    {
        await using var h = new DispatcherHarness(o => (o.LeaseDuration, o.AttemptTimeout) = (TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)));
        var ticket = await h.EnqueueAsync();
        var stolen = Assert.Single(await h.Store.LeaseDueAsync("dead-process", T0, TimeSpan.FromSeconds(30), 1, CancellationToken.None));
        Assert.Equal(0, await h.RunOnceAsync()); // its lease still runs: not touched

        h.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await h.RunOnceAsync());

        var entry = await h.GetAsync(ticket.Id);
        Assert.Equal(DeliveryState.Delivered, entry.State);
        Assert.Equal(2, entry.Attempts);
        var call = Assert.Single(h.Calls);
        Assert.Equal(h.Dispatcher.Owner, call.LeaseOwner);
        Assert.NotEqual(stolen.LeaseOwner, call.LeaseOwner);
        Assert.Single(h.Observer.Delivered);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 1205 && r.Message.StartsWith("1 stuck delivery(ies)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunOnce_MoreDueEntriesThanSlots_LeasesOnlyWhatItCanStart_SoEveryAttemptStartsWithAFullLease()
    {
        var store = new SlotWatchingStore();
        await using var h = new DispatcherHarness(
            o => (o.MaxConcurrentDeliveries, o.LeaseDuration, o.AttemptTimeout) = (1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20)),
            s => s.AddSingleton<Bulwark.Deliveries.IDeliveryStore>(store));
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leaseLeft = new List<TimeSpan>();
        h.Handler = async (entry, _) =>
        {
            Interlocked.Increment(ref store.InFlight);
            lock (leaseLeft)
            {
                leaseLeft.Add(entry.LeaseExpiresAt!.Value - h.Time.GetUtcNow());
            }

            if (entry.IdempotencyKey == "order-1")
            {
                firstStarted.SetResult();
                await releaseFirst.Task;
            }

            Interlocked.Decrement(ref store.InFlight);
            return DeliveryAttemptResult.Delivered(Ok());
        };
        await h.EnqueueAsync("order-1");
        await h.EnqueueAsync("order-2");

        var pass = h.RunOnceAsync();
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        h.Time.Advance(TimeSpan.FromSeconds(15)); // the first attempt is slow
        releaseFirst.SetResult();
        Assert.Equal(2, await pass);

        Assert.Equal(0, store.LeasedWithoutAFreeSlot);
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)], leaseLeft);
    }

    [Fact]
    public async Task RunOnce_SameOrderingKey_DeliveredOneAfterAnother_InAcceptanceOrder_EvenAcrossARetry()
    {
        await using var h = new DispatcherHarness();
        int a1Attempts = 0;
        h.Handler = (entry, _) => ValueTask.FromResult(
            entry.IdempotencyKey == "a1" && Interlocked.Increment(ref a1Attempts) == 1
                ? DeliveryAttemptResult.Failed("503")
                : DeliveryAttemptResult.Delivered(Ok()));
        var ordered = new DeliveryEnqueueOptions { OrderingKey = "account-1" };
        var a1 = await h.EnqueueAsync("a1", ordered);
        var a2 = await h.EnqueueAsync("a2", ordered);
        var b1 = await h.EnqueueAsync("b1", new DeliveryEnqueueOptions { OrderingKey = "account-2" });

        Assert.Equal(2, await h.RunOnceAsync()); // a1 (fails) and b1; a2 waits behind a1
        Assert.Equal(DeliveryState.Pending, (await h.GetAsync(a2.Id)).State);
        Assert.Equal(0, (await h.GetAsync(a2.Id)).Attempts);

        h.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2, await h.RunOnceAsync()); // a1 delivered, then a2 in the same pass

        Assert.Equal(["a1", "b1", "a1", "a2"], h.Calls.Select(c => c.IdempotencyKey));
        Assert.Equal(DeliveryState.Delivered, (await h.GetAsync(a1.Id)).State);
        Assert.Equal(DeliveryState.Delivered, (await h.GetAsync(a2.Id)).State);
        Assert.Equal(DeliveryState.Delivered, (await h.GetAsync(b1.Id)).State);
    }

    [Fact]
    public async Task StoreStaysUnavailable_TheSameFailureIsLoggedOnceAMinute_NotAtEveryPass()
    {
        await using var h = new DispatcherHarness(services: s => s.AddSingleton(System.Reflection.DispatchProxy.Create<Bulwark.Deliveries.IDeliveryStore, UnavailableDeliveryStore>()));

        for (int i = 0; i < 5; i++)
        {
            await h.Dispatcher.ReclaimFromDeadProcessesAsync(CancellationToken.None);
        }

        Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 1206);
        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Dispatcher.ReclaimFromDeadProcessesAsync(CancellationToken.None);
        Assert.Equal(2, h.Logs.GetSnapshot().Count(r => r.Id.Id == 1206));
    }

    [Fact]
    public async Task RunOnce_ResponseLongerThanKept_IsTrimmed()
    {
        await using var h = new DispatcherHarness(o => o.MaxKeptResponseBytes = 4);
        var ticket = await h.EnqueueAsync();

        await h.RunOnceAsync();

        Assert.Equal("{\"ch"u8.ToArray(), (await h.GetAsync(ticket.Id)).Response!.Body.ToArray());
    }

    [Fact]
    public async Task RunOnce_ObserverThrows_OthersStillTold_AndTheEntryIsMarkedNotified()
    {
        await using var h = new DispatcherHarness(services: s => s.AddSingleton<IDeliveryObserver>(new ThrowingObserver()));
        var ticket = await h.EnqueueAsync();

        await h.RunOnceAsync();

        Assert.Single(h.Observer.Delivered);
        Assert.True((await h.GetAsync(ticket.Id)).Notified);
        Assert.Contains(h.Logs.GetSnapshot(), r => r.Id.Id == 1208);
    }

    [Fact]
    public async Task Start_DeliveredButNotNotifiedBeforeACrash_ObserversToldOnce()
    {
        await using var h = new DispatcherHarness();
        var ticket = await h.EnqueueAsync();
        await h.Store.LeaseDueAsync("crashed-process", T0, TimeSpan.FromMinutes(2), 1, CancellationToken.None);
        Assert.True(await h.Store.CompleteAsync(ticket.Id, "crashed-process", DeliveryCompletion.Delivered(T0, Ok(201)), CancellationToken.None));

        await h.Dispatcher.StartAsync(CancellationToken.None);
        try
        {
            // A delivery recorded just now may still be in its own dispatcher's hands: it is told once a lease has passed.
            // The dispatcher runs on another thread. Its first wait for the poll (timer 1) ends at once, on the enqueue's
            // wake; its second pass then waits on timer 2. Advancing while that pass runs (it read the clock before the
            // advance, so it does not sweep) would start timer 2 after the advance: the next pass would never come.
            await h.Time.WaitForTimersAsync(2);
            Assert.False((await h.GetAsync(ticket.Id)).Notified);
            h.Time.Advance(TimeSpan.FromMinutes(2));
            await EventuallyAsync(async () => (await h.GetAsync(ticket.Id)).Notified, "the leftover delivery is notified");
        }
        finally
        {
            await h.Dispatcher.StopAsync(CancellationToken.None);
        }

        var told = Assert.Single(h.Observer.Delivered);
        Assert.Equal((ticket.Id, 201), (told.Id, told.Response!.Status));
        Assert.Empty(h.Calls);
    }

    [Fact]
    public async Task Hosted_ASlowAttempt_DoesNotHoldUpAnEntryThatComesDueLater()
    {
        await using var h = new DispatcherHarness();
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Handler = async (entry, _) =>
        {
            if (entry.IdempotencyKey == "slow")
            {
                slowStarted.TrySetResult();
                await releaseSlow.Task;
            }

            return DeliveryAttemptResult.Delivered(DispatcherHarness.Ok());
        };
        await h.Dispatcher.StartAsync(CancellationToken.None);
        try
        {
            var slow = await h.EnqueueAsync("slow");
            await slowStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

            var fast = await h.EnqueueAsync("fast");
            await EventuallyAsync(async () => (await h.GetAsync(fast.Id)).State == DeliveryState.Delivered, "the later entry is delivered while the slow one runs");

            Assert.Equal(DeliveryState.InProgress, (await h.GetAsync(slow.Id)).State);
            releaseSlow.SetResult();
            await EventuallyAsync(async () => (await h.GetAsync(slow.Id)).State == DeliveryState.Delivered, "the slow entry is delivered");
        }
        finally
        {
            releaseSlow.TrySetResult();
            await h.Dispatcher.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Hosted_AnEnqueueWakesTheDispatcher_WithoutWaitingForThePoll()
    {
        await using var h = new DispatcherHarness(o => o.PollInterval = TimeSpan.FromMinutes(1));
        await h.Dispatcher.StartAsync(CancellationToken.None);
        try
        {
            var ticket = await h.EnqueueAsync();
            await EventuallyAsync(async () => (await h.GetAsync(ticket.Id)).State == DeliveryState.Delivered, "the entry is delivered");
            await EventuallyAsync(() => Task.FromResult(h.Observer.Delivered.Count == 1), "the observer is told");
        }
        finally
        {
            await h.Dispatcher.StopAsync(CancellationToken.None);
        }

        Assert.Equal(T0, h.Time.GetUtcNow()); // the fake clock never moved: the wake did it
    }

    [Fact]
    public async Task Enqueue_AfterADirectAttempt_CountsItAndWaitsOneBackoff()
    {
        await using var h = new DispatcherHarness();

        var ticket = await h.EnqueueAsync(options: new DeliveryEnqueueOptions { AttemptsMade = 1, OrderingKey = "account-1" });

        Assert.True(ticket.Created);
        Assert.Equal(1, ticket.Entry.Attempts);
        Assert.Equal("account-1", ticket.Entry.OrderingKey);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1.5), ticket.Entry.NextAttemptAt);
        Assert.Equal(0, await h.RunOnceAsync());
        Assert.False((await h.EnqueueAsync()).Created);
    }

    /// <summary>The in-memory store, noting every lease taken while every delivery slot (1) is busy.</summary>
    private sealed class SlotWatchingStore : Bulwark.Deliveries.IDeliveryStore
    {
        private readonly Bulwark.Storage.InMemoryBulwarkStore _inner = new();

        public int InFlight;

        public int LeasedWithoutAFreeSlot { get; private set; }

        public Task<(DeliveryEntry Entry, bool Created)> EnqueueAsync(DeliveryEntry entry, CancellationToken cancellationToken) => _inner.EnqueueAsync(entry, cancellationToken);

        public Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken) => _inner.GetAsync(id, cancellationToken);

        public Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken) => _inner.FindAsync(queue, idempotencyKey, cancellationToken);

        public async Task<IReadOnlyList<DeliveryEntry>> LeaseDueAsync(string owner, DateTimeOffset now, TimeSpan leaseDuration, int maxCount, CancellationToken cancellationToken)
        {
            var leased = await _inner.LeaseDueAsync(owner, now, leaseDuration, maxCount, cancellationToken);
            if (leased.Count > 0 && Volatile.Read(ref InFlight) >= 1)
            {
                LeasedWithoutAFreeSlot++;
            }

            return leased;
        }

        public Task<bool> CompleteAsync(string id, string owner, DeliveryCompletion completion, CancellationToken cancellationToken) => _inner.CompleteAsync(id, owner, completion, cancellationToken);

        public Task MarkNotifiedAsync(string id, CancellationToken cancellationToken) => _inner.MarkNotifiedAsync(id, cancellationToken);

        public Task<IReadOnlyList<DeliveryEntry>> ListAsync(DeliveryState? state, int maxCount, CancellationToken cancellationToken) => _inner.ListAsync(state, maxCount, cancellationToken);

        public Task<IReadOnlyList<DeliveryEntry>> ListUnnotifiedAsync(int maxCount, CancellationToken cancellationToken) => _inner.ListUnnotifiedAsync(maxCount, cancellationToken);

        public Task<IReadOnlyList<DeliveryEntry>> ListStuckAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) => _inner.ListStuckAsync(now, maxCount, cancellationToken);

        public Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) => _inner.ReleaseExpiredLeasesAsync(now, cancellationToken);

        public Task<int> ReleaseLeasesOfAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) => _inner.ReleaseLeasesOfAsync(owner, now, cancellationToken);

        public Task<bool> ReplayAsync(string id, DateTimeOffset now, TimeSpan timeToLive, CancellationToken cancellationToken) => _inner.ReplayAsync(id, now, timeToLive, cancellationToken);

        public Task<int> PurgeAsync(DeliveryState state, DateTimeOffset completedBefore, CancellationToken cancellationToken) => _inner.PurgeAsync(state, completedBefore, cancellationToken);

        public Task<IReadOnlyDictionary<DeliveryState, long>> CountAsync(CancellationToken cancellationToken) => _inner.CountAsync(cancellationToken);
    }

    private sealed class DelegateHandler(Func<DeliveryEntry, DeliveryAttemptResult> deliver) : IDeliveryHandler
    {
        public ValueTask<DeliveryAttemptResult> DeliverAsync(DeliveryEntry entry, CancellationToken cancellationToken) => ValueTask.FromResult(deliver(entry));
    }

    private sealed class ThrowingObserver : IDeliveryObserver
    {
        public ValueTask OnDeliveredAsync(DeliveryEntry entry, CancellationToken cancellationToken) => throw new InvalidOperationException("observer bug");
    }
}

/// <summary>A store that refuses every call, as one that failed for good does.</summary>
public class UnavailableDeliveryStore : System.Reflection.DispatchProxy
{
    protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) =>
        throw new Bulwark.Storage.StoreUnavailableException("The store failed while running.");
}
