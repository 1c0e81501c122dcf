using Bulwark.Storage.Redis.Budgets;
using Bulwark.Storage.Redis.Tests.Infrastructure;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Storage.Redis.Tests.Budgets;

/// <summary>Budget counters shared by instances on a real Redis: reservations all or none, never beyond a limit, holds that expire, seeding once.</summary>
public sealed class RedisBudgetCountersTests : IAsyncLifetime
{
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(5);
    private RedisServer _redis = null!;
    private readonly List<RedisConnection> _connections = [];

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ThreeInstances_1000ConcurrentReservations_NeverTakeMoreThanTheLimit()
    {
        var instances = Enumerable.Range(0, 3).Select(_ => new RedisBudgetCounters(Connect())).ToArray();
        var counter = Sum("fleet", tokenLimit: 5_000);
        await instances[0].SeedAsync(counter, []);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reserving = Enumerable.Range(0, 1_000).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var result = await instances[i % 3].ReserveAsync($"r{i}", [counter], new(10, 0), Hold);
            return (Id: $"r{i}", result.Status);
        })).ToArray();
        start.SetResult();
        var results = await Task.WhenAll(reserving).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(500, results.Count(r => r.Status == RedisBudgetReserveStatus.Reserved));
        Assert.Equal(500, results.Count(r => r.Status == RedisBudgetReserveStatus.Refused));
        var (spent, reserved, _) = await instances[1].ReadAsync(counter);
        Assert.Equal(new RedisBudgetAmount(0, 0), spent);
        Assert.Equal(5_000, reserved.Tokens);

        // Each settles for 10: the whole limit spent, nothing held, nothing more fits.
        await Task.WhenAll(results.Where(r => r.Status == RedisBudgetReserveStatus.Reserved).Select((r, i) => instances[i % 3].SettleAsync(r.Id, [counter], new(10, 0))));
        (spent, reserved, _) = await instances[2].ReadAsync(counter);
        Assert.Equal(5_000, spent.Tokens);
        Assert.Equal(0, reserved.Tokens);
        Assert.Equal(RedisBudgetReserveStatus.Refused, (await instances[0].ReserveAsync("late", [counter], new(1, 0), Hold)).Status);
    }

    [Fact]
    public async Task ARefusal_ReservesOnNoCounter_AndNamesTheOneThatRefused_WithItsFigures()
    {
        var counters = new RedisBudgetCounters(Connect());
        var roomy = Sum("roomy", tokenLimit: 1_000);
        var tight = Sum("tight", costLimit: 50);
        var advisory = Sum("advisory", tokenLimit: 1, enforced: false);
        foreach (var counter in new[] { roomy, tight, advisory })
        {
            await counters.SeedAsync(counter, [(DateTimeOffset.UtcNow, new RedisBudgetAmount(0, 20))]);
        }

        var refused = await counters.ReserveAsync("big", [roomy, advisory, tight], new(100, 31), Hold);

        Assert.Equal(RedisBudgetReserveStatus.Refused, refused.Status);
        Assert.Equal(2, refused.RefusedBy);
        Assert.Equal(new RedisBudgetAmount(0, 20), refused.Spent);
        Assert.Equal(new RedisBudgetAmount(0, 0), refused.Reserved);
        Assert.Equal(new RedisBudgetAmount(0, 0), (await counters.ReadAsync(roomy)).Reserved);

        // What fits is reserved on all three, the advisory one beyond its limit included (it counts, it does not refuse).
        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await counters.ReserveAsync("fits", [roomy, advisory, tight], new(100, 30), Hold)).Status);
        Assert.Equal(new RedisBudgetAmount(100, 30), (await counters.ReadAsync(advisory)).Reserved);

        // Reserving the same id again holds nothing more.
        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await counters.ReserveAsync("fits", [roomy, advisory, tight], new(100, 30), Hold)).Status);
        Assert.Equal(new RedisBudgetAmount(100, 30), (await counters.ReadAsync(roomy)).Reserved);
    }

    [Fact]
    public async Task ASettlementForLess_AndARelease_GiveTheRestBack()
    {
        var counters = new RedisBudgetCounters(Connect());
        var counter = Sum("settle", tokenLimit: 100);
        await counters.SeedAsync(counter, []);
        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await counters.ReserveAsync("a", [counter], new(60, 0), Hold)).Status);
        Assert.Equal(RedisBudgetReserveStatus.Refused, (await counters.ReserveAsync("b", [counter], new(60, 0), Hold)).Status);

        await counters.SettleAsync("a", [counter], new(15, 0));
        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await counters.ReserveAsync("b", [counter], new(60, 0), Hold)).Status);
        await counters.ReleaseAsync("b", [counter]);
        await counters.ReleaseAsync("b", [counter]);

        var (spent, reserved, seeded) = await counters.ReadAsync(counter);
        Assert.Equal(15, spent.Tokens);
        Assert.Equal(0, reserved.Tokens);
        Assert.True(seeded);
    }

    [Fact]
    public async Task AHoldNeverEnded_ExpiresAfterItsHold_AsWhenItsInstanceDied()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var dead = new RedisBudgetCounters(Connect(), time);
        var alive = new RedisBudgetCounters(Connect(), time);
        var counter = Sum("expiry", tokenLimit: 100, keepUntil: time.GetUtcNow().AddDays(1));
        await alive.SeedAsync(counter, []);
        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await dead.ReserveAsync("orphan", [counter], new(100, 0), TimeSpan.FromMinutes(2))).Status);
        Assert.Equal(RedisBudgetReserveStatus.Refused, (await alive.ReserveAsync("waits", [counter], new(1, 0), Hold)).Status);

        time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(RedisBudgetReserveStatus.Refused, (await alive.ReserveAsync("waits", [counter], new(1, 0), Hold)).Status);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await alive.ReserveAsync("waits", [counter], new(100, 0), Hold)).Status);
    }

    [Fact]
    public async Task ACounterRedisDoesNotKnow_IsNotSeeded_UntilOneInstanceSeedsIt_KeepingSpendCountedMeanwhile()
    {
        var a = new RedisBudgetCounters(Connect());
        var b = new RedisBudgetCounters(Connect());
        var known = Sum("known", tokenLimit: 1_000);
        var unknown = Sum("unknown", tokenLimit: 1_000);
        await a.SeedAsync(known, []);

        var result = await a.ReserveAsync("r", [known, unknown], new(10, 0), Hold);
        Assert.Equal(RedisBudgetReserveStatus.NotSeeded, result.Status);
        Assert.Equal([1], result.NotSeeded);
        Assert.Equal(0, (await a.ReadAsync(known)).Reserved.Tokens);

        // A settlement that reaches it first (another instance's request) is kept; the first seed wins, the second changes nothing.
        await b.SettleAsync("other", [unknown], new(5, 0));
        Assert.True(await a.SeedAsync(unknown, [(DateTimeOffset.UtcNow, new RedisBudgetAmount(900, 0))]));
        Assert.False(await b.SeedAsync(unknown, [(DateTimeOffset.UtcNow, new RedisBudgetAmount(900, 0))]));
        Assert.Equal(905, (await b.ReadAsync(unknown)).Spent.Tokens);

        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await a.ReserveAsync("r", [known, unknown], new(95, 0), Hold)).Status);
        Assert.Equal(RedisBudgetReserveStatus.Refused, (await b.ReserveAsync("s", [known, unknown], new(1, 0), Hold)).Status);
    }

    [Fact]
    public async Task ARollingWindow_LetsSpendAgeOut_ABucketLateNeverEarly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
        var counters = new RedisBudgetCounters(Connect(), time);
        var counter = new RedisBudgetCounter { Key = "rolling", TokenLimit = 100, Enforced = true, BucketWidth = TimeSpan.FromMinutes(1) };

        // Seeded with spend 30 minutes ago (in the window) and 2 hours ago (out of it).
        await counters.SeedAsync(counter, [(time.GetUtcNow().AddMinutes(-30), new RedisBudgetAmount(40, 0)), (time.GetUtcNow().AddHours(-2), new RedisBudgetAmount(1_000, 0))]);
        Assert.Equal(40, (await counters.ReadAsync(counter)).Spent.Tokens);
        await counters.SettleAsync("now", [counter], new(60, 0));
        Assert.Equal(RedisBudgetReserveStatus.Refused, (await counters.ReserveAsync("r", [counter], new(1, 0), Hold)).Status);

        // 60 minutes on, the seed's bucket has left the window (and a minute more for the bucket it was in).
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(RedisBudgetReserveStatus.Refused, (await counters.ReserveAsync("r", [counter], new(1, 0), Hold)).Status);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(60, (await counters.ReadAsync(counter)).Spent.Tokens);
        Assert.Equal(RedisBudgetReserveStatus.Reserved, (await counters.ReserveAsync("r", [counter], new(40, 0), Hold)).Status);

        time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(0, (await counters.ReadAsync(counter)).Spent.Tokens);
    }

    [Fact]
    public async Task RedisDown_FailsWithinTheOperationTimeout_AsStoreUnavailable()
    {
        var counters = new RedisBudgetCounters(Connect());
        var counter = Sum("down", tokenLimit: 10);
        await counters.SeedAsync(counter, []);
        await _redis.StopAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => counters.ReserveAsync("r", [counter], new(1, 0), Hold));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => counters.SettleAsync("r", [counter], new(1, 0)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task AnySequenceOfReservations_KeepsTheCounterEqualToAModel_AndNeverBeyondItsLimit()
    {
        var counters = new RedisBudgetCounters(Connect());
        int run = 0;
        var operation = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 7], Gen.Int[0, 60], Gen.Int[0, 60]);
        await Task.Run(() => operation.Array[1, 25].Sample(
            ops =>
            {
                var counter = Sum($"model-{Interlocked.Increment(ref run)}", tokenLimit: 100);
                counters.SeedAsync(counter, []).GetAwaiter().GetResult();
                var held = new Dictionary<string, long>();
                long spent = 0;
                foreach (var (kind, id, amount, settled) in ops)
                {
                    string name = "r" + id;
                    switch (kind)
                    {
                        case 0:
                            var status = counters.ReserveAsync(name, [counter], new(amount, 0), Hold).GetAwaiter().GetResult().Status;
                            bool fits = held.ContainsKey(name) || amount <= 100 - spent - held.Values.Sum();
                            if (status != (fits ? RedisBudgetReserveStatus.Reserved : RedisBudgetReserveStatus.Refused))
                            {
                                return false;
                            }

                            if (fits)
                            {
                                held.TryAdd(name, amount);
                            }

                            break;
                        case 1 when held.Remove(name):
                            counters.SettleAsync(name, [counter], new(settled, 0)).GetAwaiter().GetResult();
                            spent += settled;
                            break;
                        default:
                            counters.ReleaseAsync(name, [counter]).GetAwaiter().GetResult();
                            held.Remove(name);
                            break;
                    }
                }

                var (s, r, _) = counters.ReadAsync(counter).GetAwaiter().GetResult();
                return s.Tokens == spent && r.Tokens == held.Values.Sum();
            },
            iter: 60,
            threads: 1,
            seed: "0N0XIzNsQ0O2"));
    }

    private static RedisBudgetCounter Sum(string key, long? tokenLimit = null, long? costLimit = null, bool enforced = true, DateTimeOffset? keepUntil = null) => new()
    {
        Key = key,
        TokenLimit = tokenLimit,
        CostLimit = costLimit,
        Enforced = enforced,
        KeepUntil = keepUntil ?? DateTimeOffset.UtcNow.AddDays(1),
    };

    private RedisConnection Connect()
    {
        var connection = RedisConnection.Create(new RedisSharedStateOptions { Configuration = _redis.Configuration, OperationTimeout = TimeSpan.FromSeconds(1) });
        _connections.Add(connection);
        return connection;
    }
}
