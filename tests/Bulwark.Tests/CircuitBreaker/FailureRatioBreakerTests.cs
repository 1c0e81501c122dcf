using Bulwark.CircuitBreaker;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

public class FailureRatioBreakerTests
{
    private static BreakerHarness Create(int minimumThroughput = 10, double ratio = 0.5) => new(new()
    {
        Mode = CircuitBreakerMode.FailureRatio,
        FailureRatio = ratio,
        MinimumThroughput = minimumThroughput,
        SamplingDuration = TimeSpan.FromSeconds(10),
    });

    [Fact]
    public void RatioReached_BelowMinimumThroughput_StaysClosed()
    {
        var h = Create(minimumThroughput: 10);
        for (int i = 0; i < 9; i++)
        {
            h.Fail();
        }

        Assert.Equal(CircuitState.Closed, h.State);
    }

    [Fact]
    public void RatioReached_AtMinimumThroughput_OpensCircuit()
    {
        var h = Create(minimumThroughput: 10);
        for (int i = 0; i < 5; i++)
        {
            h.Succeed();
        }

        for (int i = 0; i < 4; i++)
        {
            h.Fail();
        }

        Assert.Equal(CircuitState.Closed, h.State);
        h.Fail(); // 5 of 10
        Assert.Equal(CircuitState.Open, h.State);
        Assert.Equal(CircuitTransitionReason.FailureRatioExceeded, h.Handle.GetHealth().LastTransitionReason);
    }

    [Fact]
    public void OldBuckets_LeaveTheWindow()
    {
        var h = Create(minimumThroughput: 4);
        h.Fail();
        h.Fail();
        h.Fail();
        h.Time.Advance(TimeSpan.FromSeconds(10)); // the failures slide out
        h.Succeed();
        h.Succeed();
        h.Succeed();
        h.Fail();
        Assert.Equal(CircuitState.Closed, h.State);
        var health = h.Handle.GetHealth();
        Assert.Equal(4, health.WindowCalls);
        Assert.Equal(1, health.WindowFailures);
        Assert.Equal(0.25, health.FailureRate);
        Assert.Equal(0.5, health.Threshold);
    }
}
