using Bulwark.CircuitBreaker;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

public class SnapshotTests
{
    [Fact]
    public async Task Restore_OpenSnapshot_StaysOpenUntilOpenUntil_ThenProbes()
    {
        var first = new BreakerHarness(BreakerHarness.Consecutive(1));
        first.Fail();
        var snapshot = first.Handle.CreateSnapshot();
        Assert.Equal(CircuitState.Open, snapshot.State);
        Assert.Equal(1, snapshot.TripCount);

        // A new process, two seconds later.
        var time = new FakeTimeProvider(first.Time.GetUtcNow().AddSeconds(2));
        var second = new BreakerHarness(BreakerHarness.Consecutive(1), time);
        await second.Handle.RestoreAsync(snapshot);

        var rejected = second.Succeed();
        var broken = Assert.IsType<BulwarkBrokenCircuitException>(rejected.Exception);
        Assert.Equal(TimeSpan.FromSeconds(3), broken.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, second.Succeed().Result);
        Assert.Equal(CircuitState.Closed, second.State); // SuccessThreshold 1
    }

    [Fact]
    public async Task Restore_FarFutureOpenUntil_IsCappedByMaxBreakDuration()
    {
        var options = BreakerHarness.Consecutive(1);
        options.MaxBreakDuration = TimeSpan.FromSeconds(60);
        var h = new BreakerHarness(options);
        var now = h.Time.GetUtcNow();
        await h.Handle.RestoreAsync(new CircuitBreakerSnapshot(CircuitState.Open, now.AddDays(30), 4, 0.1, 100, now, CircuitTransitionReason.ConsecutiveFailures, now));
        Assert.Equal(now.AddSeconds(60), h.Handle.GetHealth().OpenUntil);
        Assert.Equal(4, h.Handle.GetHealth().TripCount);
        Assert.Equal(CircuitTransitionReason.Restored, h.Handle.GetHealth().LastTransitionReason);
    }

    [Fact]
    public async Task Restore_HalfOpenSnapshot_NextCallProbes()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(1));
        var now = h.Time.GetUtcNow();
        await h.Handle.RestoreAsync(new CircuitBreakerSnapshot(CircuitState.HalfOpen, null, 1, 0.05, 20, now, CircuitTransitionReason.BreakDurationElapsed, now));
        Assert.Equal(CircuitState.Open, h.State);
        h.Fail(); // the probe fails
        Assert.Equal(CircuitTransitionReason.ProbeFailed, h.Handle.GetHealth().LastTransitionReason);
    }

    [Fact]
    public async Task Snapshot_RoundTrips_Baseline()
    {
        var options = new BulwarkCircuitBreakerStrategyOptions<int> { Mode = CircuitBreakerMode.Adaptive };
        var h = new BreakerHarness(options);
        var now = h.Time.GetUtcNow();
        await h.Handle.RestoreAsync(new CircuitBreakerSnapshot(CircuitState.Closed, null, 0, 0.3, 5000, null, CircuitTransitionReason.None, now));
        var snapshot = h.Handle.CreateSnapshot();
        Assert.Equal(0.3, snapshot.BaselineFailureRate, 10);
        Assert.Equal(5000, snapshot.BaselineWeight, 6);
        Assert.Equal(0.6, h.Handle.GetHealth().Threshold!.Value, 10); // 0.3 × multiplier 2
    }
}
