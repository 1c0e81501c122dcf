using Bulwark.CircuitBreaker;
using Xunit.Abstractions;

namespace Bulwark.Tests.CircuitBreaker;

/// <summary>
/// Detection quality of the three modes on synthetic traces at 100 calls/s, 2 s window, MinimumThroughput 20.
/// The figures printed here are the ones committed in bench/README.md.
/// </summary>
public class DetectionQualityTests(ITestOutputHelper output)
{
    private const int Seed = 20261123;

    [Fact]
    public void SteadyFivePercent_MillionCalls_AdaptiveNeverOpens()
    {
        var adaptive = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.Adaptive), Seed, (1_000_000, 0.05));
        var ratio = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.FailureRatio, 0.1), Seed, (1_000_000, 0.05));
        var consecutive = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.ConsecutiveFailures), Seed, (1_000_000, 0.05));

        output.WriteLine($"steady 5%, 1,000,000 calls: adaptive opens {adaptive.Opens[0]}, FailureRatio(0.1) opens {ratio.Opens[0]}, ConsecutiveFailures(5) opens {consecutive.Opens[0]}");
        Assert.Equal(0, adaptive.Opens[0]);
        Assert.Equal(0, adaptive.Rejected);
        Assert.True(ratio.Opens[0] > 0, "the plain ratio breaker at 0.1 is expected to trip on this noise");
    }

    [Fact]
    public void StepFromFiveToFiftyPercent_AdaptiveOpensSoonerThanRatio()
    {
        var adaptiveCalls = new List<int>();
        var ratioCalls = new List<int>();
        for (int seed = Seed; seed < Seed + 21; seed++)
        {
            var adaptive = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.Adaptive), seed, (60_000, 0.05), (20_000, 0.5));
            var ratio = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.FailureRatio, 0.5), seed, (60_000, 0.05), (20_000, 0.5));
            Assert.Equal(0, adaptive.Opens[0]);
            adaptiveCalls.Add(adaptive.FirstOpenAfterCalls[1] ?? int.MaxValue);
            ratioCalls.Add(ratio.FirstOpenAfterCalls[1] ?? int.MaxValue);
            Assert.True(adaptiveCalls[^1] < ratioCalls[^1], $"seed {seed}: adaptive opened after {adaptiveCalls[^1]} post-step calls, FailureRatio(0.5) after {ratioCalls[^1]}");
        }

        adaptiveCalls.Sort();
        ratioCalls.Sort();
        output.WriteLine($"step 5% → 50%, post-step calls before the first open over 21 seeds (min / median / max): adaptive {adaptiveCalls[0]} / {adaptiveCalls[10]} / {adaptiveCalls[^1]}, FailureRatio(0.5) {ratioCalls[0]} / {ratioCalls[10]} / {ratioCalls[^1]}");
    }

    [Fact]
    public void FifteenPercentDependency_AdaptiveStaysClosed_AndOpensOnStepToSixty()
    {
        var adaptive = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.Adaptive), Seed, (360_000, 0.15), (10_000, 0.60));
        var ratio = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.FailureRatio, 0.5), Seed, (360_000, 0.15), (10_000, 0.60));

        output.WriteLine($"15% normal for 360,000 calls then 60%: adaptive opens {adaptive.Opens[0]} before the step, first open {adaptive.FirstOpenAfterCalls[1]} calls after it; FailureRatio(0.5) opens {ratio.Opens[0]} before, first open {ratio.FirstOpenAfterCalls[1]} calls after");
        Assert.Equal(0, adaptive.Opens[0]);
        Assert.NotNull(adaptive.FirstOpenAfterCalls[1]);
        Assert.InRange(adaptive.FirstOpenAfterCalls[1]!.Value, 1, 200);
    }
}
