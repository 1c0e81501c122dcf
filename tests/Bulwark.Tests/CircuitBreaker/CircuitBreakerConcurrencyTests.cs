using Bulwark.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

public class CircuitBreakerConcurrencyTests
{
    [Fact]
    public async Task ConcurrentCallers_WhileHalfOpen_NeverExceedHalfOpenMaxCalls()
    {
        var options = BreakerHarness.Consecutive(1);
        options.HalfOpenMaxCalls = 3;
        options.SuccessThreshold = 1_000; // more than the calls made: stays half-open, so every call that runs is a probe
        var h = new BreakerHarness(options);
        h.Fail();
        h.Time.Advance(TimeSpan.FromSeconds(5));

        int running = 0, maxRunning = 0, executed = 0, rejected = 0;
        async ValueTask<Outcome<int>> Probe(ResilienceContext context, int state)
        {
            int now = Interlocked.Increment(ref running);
            int seen;
            while ((seen = Volatile.Read(ref maxRunning)) < now && Interlocked.CompareExchange(ref maxRunning, now, seen) != seen)
            {
            }

            // Hold the slot until the other probes are in too (bounded), so callers really contend.
            for (int spin = 0; spin < 1_000 && Volatile.Read(ref running) < 3; spin++)
            {
                await Task.Yield();
            }

            Interlocked.Decrement(ref running);
            Interlocked.Increment(ref executed);
            return Outcome.FromResult(state);
        }

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 120; i++)
            {
                var outcome = await h.Pipeline.ExecuteOutcomeAsync(Probe, ResilienceContextPool.Shared.Get(), i);
                if (outcome.Exception is BulwarkBrokenCircuitException)
                {
                    Interlocked.Increment(ref rejected);
                }
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.InRange(maxRunning, 1, 3);
        Assert.Equal(960, executed + rejected);
        Assert.True(executed > 0, $"executed {executed}, rejected {rejected}");
        Assert.Equal(CircuitState.HalfOpen, h.State);

        // No slot leaked: three probes can still be in flight at once, and while they are, concurrent callers are all rejected.
        var probes = Enumerable.Range(0, 3).Select(_ => h.Begin()).ToList();
        Assert.All(probes, p => Assert.False(p.Call.IsCompleted));
        var contenders = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Enumerable.Range(0, 100).Count(_ => BreakerHarness.IsRejection(h.Succeed()))))).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(contenders, rejectedByThread => Assert.Equal(100, rejectedByThread));
        probes.ForEach(p => p.Gate.SetResult(Outcome.FromResult(1)));
        await Task.WhenAll(probes.Select(p => p.Call)).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ConcurrentCallers_WhileClosed_CountEveryCallExactly()
    {
        var h = new BreakerHarness(new BulwarkCircuitBreakerStrategyOptions<int>
        {
            Mode = CircuitBreakerMode.FailureRatio,
            FailureRatio = 1.0,
            MinimumThroughput = 1_000_000,
        });

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                await h.Pipeline.ExecuteOutcomeAsync(
                    static (_, fail) => fail ? Outcome.FromExceptionAsValueTask<int>(new HttpRequestException()) : Outcome.FromResultAsValueTask(1),
                    ResilienceContextPool.Shared.Get(),
                    i % 4 == 0);
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        var health = h.Handle.GetHealth();
        Assert.Equal(40_000, health.WindowCalls);
        Assert.Equal(10_000, health.WindowFailures);
        Assert.Equal(CircuitState.Closed, health.State);
    }

    [Fact]
    public async Task ConcurrentFailures_OpenTheBreakerOnce()
    {
        var options = BreakerHarness.Consecutive(50);
        int opened = 0;
        options.OnOpened = _ => { Interlocked.Increment(ref opened); return default; };
        var h = new BreakerHarness(options);

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                h.Fail();
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, opened);
        Assert.Equal(CircuitState.Open, h.State);
        Assert.Equal(1, h.Handle.GetHealth().TripCount);
    }
}
