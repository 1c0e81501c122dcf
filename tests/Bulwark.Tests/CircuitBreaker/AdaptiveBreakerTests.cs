using Bulwark.CircuitBreaker;
using Bulwark.CircuitBreaker.Health;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

public class AdaptiveBreakerTests
{
    private static BreakerHarness Create() => new(new()
    {
        Mode = CircuitBreakerMode.Adaptive,
        MinimumThroughput = 20,
        SamplingDuration = TimeSpan.FromSeconds(2),
    });

    [Theory]
    [InlineData(0, 20, 0.0)]
    [InlineData(10, 20, 0.2209)]
    [InlineData(57, 200, 0.2001)]
    [InlineData(9, 20, 0.1879)]
    [InlineData(100, 100, 0.9174)]
    public void WilsonLowerBound_MatchesFormula(long failures, long total, double expected)
    {
        Assert.Equal(expected, WilsonScore.LowerBound(failures, total, 3), 3);
    }

    [Fact]
    public void HalfFailures_OnSmallSample_JustOpens()
    {
        // 9 of 20: lower bound 0.188 < 0.2, closed; 10 of 20: 0.221 > 0.2, open.
        var closed = Create();
        var h = Create();
        for (int i = 0; i < 10; i++)
        {
            h.Succeed();
            closed.Succeed();
        }

        closed.Succeed();
        for (int i = 0; i < 9; i++)
        {
            h.Fail();
            closed.Fail();
        }

        Assert.Equal(CircuitState.Closed, closed.State);
        Assert.Equal(CircuitState.Closed, h.State); // 19 calls: below MinimumThroughput
        h.Fail();
        Assert.Equal(CircuitState.Open, h.State);
        Assert.Equal(CircuitTransitionReason.AdaptiveThresholdExceeded, h.Handle.GetHealth().LastTransitionReason);
    }

    [Fact]
    public void Threshold_IsBaselineTimesMultiplier_Clamped()
    {
        var h = Create();
        Assert.Equal(0.2, h.Handle.GetHealth().Threshold); // 0.05 × 2 clamped up to 0.2
        Assert.Equal(0.05, h.Handle.GetHealth().Baseline);
    }

    [Fact]
    public void Baseline_WithoutAPrior_LearnsTheDependencysNormalRate()
    {
        // A dependency failing 30% of the time: 3 failures in each group of 10, spread over time. With no weight on the
        // initial baseline, the threshold follows 2 × 0.3 = 0.6 within seconds, so its normal noise never opens the breaker.
        var h = new BreakerHarness(new()
        {
            Mode = CircuitBreakerMode.Adaptive,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(2),
            InitialBaselineWeight = TimeSpan.Zero,
        });
        for (int i = 0; i < 30_000; i++)
        {
            if (i % 10 < 3)
            {
                h.Fail();
            }
            else
            {
                h.Succeed();
            }

            h.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var health = h.Handle.GetHealth();
        Assert.Equal(CircuitState.Closed, health.State);
        Assert.InRange(health.Baseline!.Value, 0.28, 0.31);
        Assert.InRange(health.Threshold!.Value, 0.56, 0.62);
    }

    [Fact]
    public void ColdStart_ThirtyPercentFromTheFirstCall_OpensAgainstThePriorsThreshold()
    {
        // The same dependency with the default prior (InitialBaseline 0.05 weighing 10 minutes of its own traffic): the
        // first seconds cannot teach the baseline that 30% is normal, so the window's 30% passes the prior's threshold 0.2.
        var h = Create();
        for (int i = 0; i < 1_000 && h.State == CircuitState.Closed; i++)
        {
            if (i % 10 < 3)
            {
                h.Fail();
            }
            else
            {
                h.Succeed();
            }

            h.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var health = h.Handle.GetHealth();
        Assert.Equal(CircuitState.Open, health.State);
        Assert.Equal(CircuitTransitionReason.AdaptiveThresholdExceeded, health.LastTransitionReason);
        Assert.Equal(0.2, health.Threshold!.Value, 10);
        Assert.InRange(health.Baseline!.Value, 0.05, 0.06);
    }

    [Theory]
    [InlineData(5, 0.087, 0.092)] // half a horizon: the prior holds e^(−0.5) = 61%, b = 0.61·0.05 + 0.39·0.15 = 0.089
    [InlineData(60, 0.1495, 0.1500)] // six horizons: the prior holds e^(−6) = 0.25%, b = 0.1498
    public void Baseline_History_OutweighsThePrior_AsTheHorizonSays(int minutes, double min, double max)
    {
        // 15% failures spread evenly (3 of every 20 calls), which the prior's threshold of 0.2 never opens on.
        var h = Create();
        for (int i = 0; i < minutes * 6_000; i++)
        {
            if (i % 20 < 3)
            {
                h.Fail();
            }
            else
            {
                h.Succeed();
            }

            h.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        var health = h.Handle.GetHealth();
        Assert.Equal(CircuitState.Closed, health.State);
        Assert.InRange(health.Baseline!.Value, min, max);
    }

    [Theory]
    [InlineData(60_000, 3_000, 0.03)] // 10 minutes of history, 30 s outage
    [InlineData(1_000, 500, 0.10)] // a young breaker: 10 s of history, 5 s outage (uncapped it would drift by about +0.25)
    public void Baseline_IsBarelyTaughtByAnOutage(int normalCalls, int outageCalls, double maxDrift)
    {
        // 15% normal, then total failure that the breaker may not act on (huge MinimumThroughput): each outage bucket
        // counts at most at the threshold, so the learned baseline stays near 15% instead of drifting toward 100%.
        var h = new BreakerHarness(new BulwarkCircuitBreakerStrategyOptions<int>
        {
            Mode = CircuitBreakerMode.Adaptive,
            MinimumThroughput = 1_000_000,
            SamplingDuration = TimeSpan.FromSeconds(2),
            InitialBaseline = 0.15,
        });
        for (int i = 0; i < normalCalls; i++)
        {
            if (i % 20 < 3)
            {
                h.Fail();
            }
            else
            {
                h.Succeed();
            }

            h.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        double before = h.Handle.GetHealth().Baseline!.Value;
        for (int i = 0; i < outageCalls; i++)
        {
            h.Fail();
            h.Time.Advance(TimeSpan.FromMilliseconds(10));
        }

        double after = h.Handle.GetHealth().Baseline!.Value;
        Assert.InRange(before, 0.14, 0.16);
        Assert.InRange(after, before, before + maxDrift);
    }
}
