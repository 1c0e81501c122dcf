using System.Collections.Concurrent;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>
/// Who delivers stored requests, and how many at once: the dispatcher's slots, per-key ordering, and gateways sharing one
/// store (a lease keeps another dispatcher off a request being attempted until it runs out, the sweeper returns work left
/// behind, and a gateway can store requests without dispatching them).
/// </summary>
public sealed class DeliveryDispatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>With every delivery held at the provider, two are attempted at once and the rest wait (the default is eight).</summary>
    [Fact]
    public async Task HeldDeliveries_AtMostMaxConcurrentDeliveriesAreAttemptedAtOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int inFlight = 0, peak = 0;
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(async (context, n) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref peak, now);
            await release.Task.WaitAsync(context.RequestAborted);
            Interlocked.Decrement(ref inFlight);
            await Deliveries.Created(context, n);
        });
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.OneTryPerAttempt(
            provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"MaxConcurrentDeliveries\": 2"));

        var locations = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            locations.Add(await Deliveries.DeferAsync(gateway, $"slot-{i}"));
        }

        await Poll.UntilAsync(() => Volatile.Read(ref inFlight) == 2, "two deliveries to be held at the provider");
        Assert.Equal(2, await Deliveries.CountAsync(gateway, "in-progress"));
        Assert.Equal(3, await Deliveries.CountAsync(gateway, "pending"));

        release.SetResult();
        foreach (var location in locations)
        {
            await DeferralTests.PollStateAsync(gateway, location, "delivered");
        }

        Assert.Equal(2, Volatile.Read(ref peak));
        Assert.Equal(5, Deliveries.Of(provider).Length);
    }

    /// <summary>
    /// Requests with the same <c>OrderingHeader</c> value are delivered one at a time in the order they were accepted;
    /// another value is not held up by them. Without the header they would all be attempted at once.
    /// </summary>
    [Fact]
    public async Task SameOrderingValue_DeliveredOneAtATime_InAcceptanceOrder_AnotherValueAlongside()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrivals = new ConcurrentQueue<string>();
        int accountInFlight = 0, accountPeak = 0;
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(async (context, n) =>
        {
            string key = context.Request.Headers["Idempotency-Key"].ToString();
            arrivals.Enqueue(key);
            bool account = key.StartsWith("acct-1/", StringComparison.Ordinal);
            if (account)
            {
                InterlockedMax(ref accountPeak, Interlocked.Increment(ref accountInFlight));
            }

            await release.Task.WaitAsync(context.RequestAborted);
            if (account)
            {
                Interlocked.Decrement(ref accountInFlight);
            }

            await Deliveries.Created(context, n);
        });
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.OneTryPerAttempt(
            provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"PollInterval\": \"00:00:00.050\"", defer: "\"OrderingHeader\": \"X-Account\""));

        var locations = new List<string>();
        foreach (string key in new[] { "acct-1/1", "acct-1/2", "acct-1/3" })
        {
            locations.Add(await Deliveries.DeferAsync(gateway, key, new Dictionary<string, string> { ["X-Account"] = "acct-1" }));
        }

        locations.Add(await Deliveries.DeferAsync(gateway, "acct-2/1", new Dictionary<string, string> { ["X-Account"] = "acct-2" }));

        await Poll.UntilAsync(() => arrivals.Count == 2, "the first of each account to be held at the provider");
        Assert.Equal(["acct-1/1", "acct-2/1"], arrivals.Order(StringComparer.Ordinal));
        Assert.Equal(2, await Deliveries.CountAsync(gateway, "in-progress"));
        Assert.Equal(2, await Deliveries.CountAsync(gateway, "pending"));

        release.SetResult();
        foreach (var location in locations)
        {
            await DeferralTests.PollStateAsync(gateway, location, "delivered");
        }

        Assert.Equal(["acct-1/1", "acct-1/2", "acct-1/3"], arrivals.Where(k => k.StartsWith("acct-1/", StringComparison.Ordinal)));
        Assert.Equal(1, Volatile.Read(ref accountPeak));
    }

    /// <summary>
    /// A request one gateway is attempting is leased to it for <c>LeaseDuration</c> (7 minutes here; the default is 2):
    /// another gateway on the same store takes it for stuck work, and can release it, only once that lease has run out by
    /// its own clock.
    /// </summary>
    [Fact]
    public async Task RequestBeingAttempted_IsLeasedForLeaseDuration_AnotherGatewaySeesItStuckOnlyAfterThat()
    {
        string store = TestStore.NewPath();
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(Upstream.HangUntilAborted(aborted));
        await using var attempting = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"LeaseDuration\": \"00:07:00\""),
            timeProvider: new FakeTimeProvider(Start),
            storePath: store);

        string location = await Deliveries.DeferAsync(attempting, "leased-1");
        await Poll.UntilAsync(() => Deliveries.Of(provider).Length == 1, "the delivery attempt to reach the provider");
        var leased = await Deliveries.OperatorViewAsync(attempting, location);
        Assert.Equal("in-progress", leased.GetProperty("state").GetString());
        Assert.Equal(Start + TimeSpan.FromMinutes(7), leased.GetProperty("leaseExpiresAt").GetDateTimeOffset());

        // An operator's gateway on the same store, its dispatcher off, its clock a second before the lease runs out.
        var otherClock = new FakeTimeProvider(Start + TimeSpan.FromMinutes(7) - TimeSpan.FromSeconds(1));
        await using var other = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"DispatcherEnabled\": false", instance: "other"),
            timeProvider: otherClock,
            storePath: store);
        Assert.Equal(0, (await Deliveries.AdminAsync(other, HttpMethod.Get, "/admin/deliveries/stuck")).GetProperty("deliveries").GetArrayLength());
        Assert.Equal(0, (await Deliveries.AdminAsync(other, HttpMethod.Post, "/admin/deliveries/stuck/release")).GetProperty("released").GetInt32());

        otherClock.Advance(TimeSpan.FromSeconds(2));

        var stuck = (await Deliveries.AdminAsync(other, HttpMethod.Get, "/admin/deliveries/stuck")).GetProperty("deliveries");
        Assert.Equal(Deliveries.IdOf(location), Assert.Single(stuck.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(1, (await Deliveries.AdminAsync(other, HttpMethod.Post, "/admin/deliveries/stuck/release")).GetProperty("released").GetInt32());
        Assert.Equal("pending", (await Deliveries.StatusAsync(other, location)).GetProperty("state").GetString());
    }

    /// <summary>
    /// One gateway's attempt outlives its lease (it hangs); another gateway's dispatcher returns the request to the queue
    /// at its next sweep, every <c>SweepInterval</c> (1 s here; the default 15 s sweep would not have come yet), and
    /// delivers it.
    /// </summary>
    [Fact]
    public async Task WorkLeftBehindPastItsLease_IsReturnedAtTheNextSweep_EverySweepInterval_AndDelivered()
    {
        string store = TestStore.NewPath();
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails((context, n) => context.Request.Headers["X-Instance"] == "sweeper"
            ? Deliveries.Created(context, n)
            : Upstream.HangUntilAborted(aborted)(context, n));
        await using var stalled = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"AttemptTimeout\": \"00:00:30\", \"LeaseDuration\": \"00:01:00\"", instance: "stalled"),
            timeProvider: new FakeTimeProvider(Start),
            storePath: store);
        string location = await Deliveries.DeferAsync(stalled, "left-behind-1");
        await Poll.UntilAsync(() => Deliveries.Of(provider).Length == 1, "the stalled attempt to reach the provider");

        // The sweeping gateway starts a second before the lease runs out: its first sweep, at start, finds nothing stuck.
        var pollInterval = TimeSpan.FromMilliseconds(730);
        var sweeperClock = new RecordingTimeProvider(Start + TimeSpan.FromMinutes(1) - TimeSpan.FromSeconds(1));
        await using var sweeper = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"SweepInterval\": \"00:00:01\", \"PollInterval\": \"00:00:00.730\"", instance: "sweeper"),
            timeProvider: sweeperClock,
            storePath: store);
        await Poll.UntilAsync(() => sweeperClock.TimersWithDueTime(pollInterval) >= 1, "the sweeping gateway's first sweep and look");
        Assert.Equal("in-progress", (await Deliveries.StatusAsync(sweeper, location)).GetProperty("state").GetString());

        sweeperClock.Advance(TimeSpan.FromSeconds(2));

        await Poll.UntilAsync(() => Deliveries.Of(provider).Length == 2, "the request to be returned by the next sweep and delivered");
        Assert.Equal("sweeper", Deliveries.Of(provider)[1].Headers["X-Instance"]);
        await DeferralTests.PollStateAsync(sweeper, location, "delivered");
    }

    /// <summary>
    /// A gateway with <c>DispatcherEnabled</c> off stores requests and delivers none, while one with it on has delivered
    /// its own meanwhile; a gateway with its dispatcher on, started on the same store, delivers it.
    /// </summary>
    [Fact]
    public async Task DispatcherOff_StoresButNeverDelivers_AGatewayOnTheSameStoreWithItOnDelivers()
    {
        string store = TestStore.NewPath();
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(Deliveries.Created);
        await using var front = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"PollInterval\": \"00:00:00.050\", \"DispatcherEnabled\": false", instance: "front"),
            storePath: store);
        await using var alongside = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"PollInterval\": \"00:00:00.050\"", instance: "alongside"));

        string stored = await Deliveries.DeferAsync(front, "front-1");
        string delivered = await Deliveries.DeferAsync(alongside, "alongside-1");
        await DeferralTests.PollStateAsync(alongside, delivered, "delivered");

        var status = await Deliveries.StatusAsync(front, stored);
        Assert.Equal("pending", status.GetProperty("state").GetString());
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        Assert.DoesNotContain(Deliveries.Of(provider), r => r.Headers["X-Instance"] == "front");

        await using var worker = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"PollInterval\": \"00:00:00.050\"", instance: "worker"),
            storePath: store);
        await DeferralTests.PollStateAsync(front, stored, "delivered");
        Assert.Equal(["alongside", "worker"], Deliveries.Of(provider).Select(r => r.Headers["X-Instance"]));
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref location)) && Interlocked.CompareExchange(ref location, value, seen) != seen)
        {
        }
    }
}
