using System.Globalization;
using BenchmarkDotNet.Attributes;
using Bulwark.CircuitBreaker;
using Bulwark.SharedState;
using Bulwark.Storage.Redis;
using Bulwark.Storage.Redis.Breakers;
using Bulwark.Storage.Redis.Budgets;
using Polly;

namespace Bulwark.Benchmarks.SharedState;

/// <summary>
/// What sharing state on Redis adds to a call. A closed breaker shared with a fleet against the same breaker alone
/// (goal: unchanged: Redis is not on a closed breaker's path), and a budgeted request's reservation on the fleet's
/// counters, the round trip a request waits for (goal: at most 0.3 ms at the median), beside reserve and settle together.
/// Starts its own redis-server on a free loopback port (Debian package redis-server).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SharedStateBenchmarks
{
    private RedisProcess? _redis;
    private RedisConnection _connection = null!;
    private CircuitBreakerStateSharing _sharing = null!;
    private ResiliencePipeline _local = ResiliencePipeline.Empty;
    private ResiliencePipeline _shared = ResiliencePipeline.Empty;
    private ResilienceContext _context = null!;
    private RedisBudgetCounters _counters = null!;
    private RedisBudgetCounter[] _budget = [];
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _redis = RedisProcess.Start();
        _connection = RedisConnection.Create(new RedisSharedStateOptions { Configuration = _redis.Configuration, OperationTimeout = TimeSpan.FromSeconds(5) });
        _local = Breaker(new CircuitBreakerHandle());
        var handle = new CircuitBreakerHandle();
        _shared = Breaker(handle);
        _sharing = new CircuitBreakerStateSharing(new RedisCircuitBreakerStateExchange(_connection));
        _sharing.Attach("default", "provider", handle);
        _sharing.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _context = ResilienceContextPool.Shared.Get();

        _counters = new RedisBudgetCounters(_connection);
        _budget = [new RedisBudgetCounter { Key = "bench", TokenLimit = long.MaxValue / 4, Enforced = true, KeepUntil = DateTimeOffset.UtcNow.AddDays(1) }];
        _counters.SeedAsync(_budget[0], []).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sharing.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _connection.Dispose();
        _redis?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<Outcome<int>> ClosedBreakerAlone() => Execute(_local);

    [Benchmark]
    public ValueTask<Outcome<int>> ClosedBreakerSharedOnRedis() => Execute(_shared);

    /// <summary>The round trip a budgeted request waits for (its settlement goes in the background).</summary>
    [Benchmark]
    public Task<RedisBudgetReserveResult> BudgetReserveOnRedis() =>
        _counters.ReserveAsync("r" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture), _budget, new RedisBudgetAmount(100, 0), TimeSpan.FromMinutes(1));

    [Benchmark]
    public async Task BudgetReserveAndSettleOnRedis()
    {
        string id = "s" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        await _counters.ReserveAsync(id, _budget, new RedisBudgetAmount(100, 0), TimeSpan.FromMinutes(1)).ConfigureAwait(false);
        await _counters.SettleAsync(id, _budget, new RedisBudgetAmount(90, 0)).ConfigureAwait(false);
    }

    private static ResiliencePipeline Breaker(CircuitBreakerHandle handle) =>
        new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions { Mode = CircuitBreakerMode.ConsecutiveFailures, Handle = handle }).Build();

    private ValueTask<Outcome<int>> Execute(ResiliencePipeline pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);
}
