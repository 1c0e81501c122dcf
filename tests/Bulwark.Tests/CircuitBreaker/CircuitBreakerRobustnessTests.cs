using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

/// <summary>What must not wedge, mislead or corrupt a breaker.</summary>
public class CircuitBreakerRobustnessTests
{
    [Fact]
    public async Task BulkheadRejection_InsideTheBreaker_IsNeitherSuccessNorFailure()
    {
        var time = new FakeTimeProvider();
        var breaker = new CircuitBreakerHandle();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int>
            {
                Mode = CircuitBreakerMode.ConsecutiveFailures,
                FailureThreshold = 1,
                SuccessThreshold = 1,
                HalfOpenMaxCalls = 2,
                Handle = breaker,
            })
            .AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions { MaxConcurrency = 1, QueueLimit = 0 })
            .Build();

        await pipeline.ExecuteOutcomeAsync(static (_, _) => Outcome.FromExceptionAsValueTask<int>(new HttpRequestException()), ResilienceContextPool.Shared.Get(), 0);
        Assert.Equal(CircuitState.Open, breaker.State);
        time.Advance(TimeSpan.FromSeconds(5));

        // First probe holds the bulkhead's only slot; the second probe is turned away by the bulkhead.
        var gate = new TaskCompletionSource<Outcome<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = pipeline.ExecuteOutcomeAsync(static async (_, g) => await g.Task, ResilienceContextPool.Shared.Get(), gate).AsTask();
        var second = await pipeline.ExecuteOutcomeAsync(static (_, _) => Outcome.FromResultAsValueTask(2), ResilienceContextPool.Shared.Get(), 0);

        Assert.IsType<BulkheadRejectedException>(second.Exception);
        Assert.Equal(CircuitState.HalfOpen, breaker.State); // a rejection that never reached the dependency closes nothing
        gate.SetResult(Outcome.FromResult(1));
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task ThrowingOnHalfOpened_DoesNotLeakTheProbeSlot()
    {
        var options = BreakerHarness.Consecutive(1);
        bool fail = true;
        options.OnHalfOpened = _ => fail ? throw new InvalidOperationException("handler bug") : default;
        var h = new BreakerHarness(options);
        h.Fail();
        h.Time.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await h.Pipeline.ExecuteOutcomeAsync(static (_, _) => Outcome.FromResultAsValueTask(1), ResilienceContextPool.Shared.Get(), 0));

        fail = false;
        Assert.Equal(1, h.Succeed().Result); // the slot is free: this call is the probe
        Assert.Equal(CircuitState.Closed, h.State);
    }

    [Fact]
    public async Task ProbeThatNeverCompletes_IsReplacedAfterABreakDuration()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(1));
        h.Fail();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var stuck = h.Begin(); // the only probe, and it hangs
        var rejected = Assert.IsType<BulwarkBrokenCircuitException>(h.Succeed().Exception);
        Assert.Equal(TimeSpan.FromSeconds(5), rejected.RetryAfter);
        Assert.False(h.Handle.IsCallPermitted);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(h.Handle.IsCallPermitted);
        Assert.Equal(1, h.Succeed().Result); // a fresh probe goes through and closes the breaker
        Assert.Equal(CircuitState.Closed, h.State);

        stuck.Gate.SetResult(Outcome.FromException<int>(new HttpRequestException())); // late, from an old epoch: ignored
        await stuck.Call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CircuitState.Closed, h.State);
    }

    [Fact]
    public void ThrowingBreakDurationGenerator_FallsBackToTheBuiltInGrowth()
    {
        var options = BreakerHarness.Consecutive(1);
        options.BreakDurationGenerator = _ => throw new InvalidOperationException("generator bug");
        var h = new BreakerHarness(options);
        h.Fail();
        Assert.Equal(CircuitState.Open, h.State);
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(5), h.Handle.GetHealth().OpenUntil);
    }

    [Theory]
    [InlineData(double.NaN, 10)]
    [InlineData(1.5, 10)]
    [InlineData(0.1, double.PositiveInfinity)]
    [InlineData(0.1, -1)]
    public async Task Restore_RejectsCorruptSnapshots(double rate, double weight)
    {
        var h = new BreakerHarness(new BulwarkCircuitBreakerStrategyOptions<int>());
        var now = h.Time.GetUtcNow();
        await Assert.ThrowsAsync<ArgumentException>(async () =>
            await h.Handle.RestoreAsync(new CircuitBreakerSnapshot(CircuitState.Closed, null, 0, rate, weight, null, CircuitTransitionReason.None, now)));
        Assert.Equal(0.05, h.Handle.GetHealth().Baseline); // untouched
    }

    [Fact]
    public async Task Close_WhenAlreadyClosed_ClearsTheWindow()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(5));
        h.Fail();
        h.Fail();
        await h.Handle.CloseAsync();
        var health = h.Handle.GetHealth();
        Assert.Equal(0, health.WindowCalls);
        Assert.Equal(0, health.ConsecutiveFailures);
    }
}

public class CircuitBreakerOptionsValidationTests
{
    [Fact]
    public void AddBulwarkCircuitBreaker_ListsRangeAndCrossFieldErrorsTogether()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            new Polly.ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions
            {
                FailureRatio = 0,
                MinThreshold = 0.9,
                MaxThreshold = 0.5,
            }));

        Assert.Contains("FailureRatio", error.Message, StringComparison.Ordinal);
        Assert.Contains("MinThreshold (0.9) must not exceed MaxThreshold (0.5).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InitialBaselineWeight_OverTenHorizons_IsRefusedSayingWhy()
    {
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            new Polly.ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions
            {
                BaselineHorizon = TimeSpan.FromMinutes(1),
                InitialBaselineWeight = TimeSpan.FromMinutes(11),
            }));

        Assert.Contains(
            "InitialBaselineWeight (00:11:00) must not exceed 10 × BaselineHorizon (00:01:00): the dependency's own history would need more than 2.4 horizons of traffic to outweigh the initial baseline.",
            error.Message,
            StringComparison.Ordinal);
        new Polly.ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions
        {
            BaselineHorizon = TimeSpan.FromMinutes(1),
            InitialBaselineWeight = TimeSpan.FromMinutes(10),
        });
    }
}
