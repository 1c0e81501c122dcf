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
    public void FifteenPercentDependency_AdaptiveStaysClosedOnceLearned_AndOpensOnStepToSixty()
    {
        // From its first call: while the prior holds most of the baseline (its threshold is 0.2), 15% noise may pass it now
        // and then; after two horizons (20 minutes) the history holds 86% of it, and the next 40 minutes never open.
        var adaptive = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.Adaptive), Seed, (120_000, 0.15), (240_000, 0.15), (10_000, 0.60));
        var ratio = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.FailureRatio, 0.5), Seed, (120_000, 0.15), (240_000, 0.15), (10_000, 0.60));

        output.WriteLine($"15% normal for 360,000 calls then 60%: adaptive opens {adaptive.Opens[0]} in the first 120,000 calls (20 min), {adaptive.Opens[1]} in the next 240,000, first open {adaptive.FirstOpenAfterCalls[2]} calls after the step; FailureRatio(0.5) opens {ratio.Opens[0] + ratio.Opens[1]} before, first open {ratio.FirstOpenAfterCalls[2]} calls after");
        Assert.InRange(adaptive.Opens[0], 0, 10);
        Assert.Equal(0, adaptive.Opens[1]);
        Assert.NotNull(adaptive.FirstOpenAfterCalls[2]);
        Assert.InRange(adaptive.FirstOpenAfterCalls[2]!.Value, 1, 200);
    }

    [Fact]
    public void ThirtyPercentFromTheFirstCall_AdaptiveTripsAsIfItHadDegraded_ForTwentyMinutes()
    {
        // A provider that fails 30% from its first call, 20 minutes at 100 calls/s in four 5-minute phases, beside one
        // that degrades to 30% after 10 healthy minutes: both must trip in every phase instead of learning 30% as normal.
        var phases = Enumerable.Repeat((30_000, 0.30), 4).ToArray();
        var adaptive = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.Adaptive), Seed, phases);
        var degraded = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.Adaptive), Seed, [(60_000, 0.05), .. phases]);
        var ratio = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.FailureRatio, 0.5), Seed, phases);
        var consecutive = DetectionSimulator.Run(DetectionSimulator.Options(CircuitBreakerMode.ConsecutiveFailures), Seed, phases);

        output.WriteLine($"30% from the first call, 120,000 calls (20 min): adaptive opens per 5 min {string.Join(" / ", adaptive.Opens)}, first open after {adaptive.FirstOpenAfterCalls[0]} calls, refused {Percent(adaptive.Rejected)}, baseline at the end {adaptive.FinalBaseline:F3}, threshold {adaptive.FinalThreshold:F3}");
        output.WriteLine($"  degraded to 30% after 10 min at 5%: adaptive opens per 5 min {string.Join(" / ", degraded.Opens[1..])}, first open after {degraded.FirstOpenAfterCalls[1]} calls, refused {Percent(degraded.Rejected)} (the healthy phase refuses nothing), baseline at the end {degraded.FinalBaseline:F3}");
        output.WriteLine($"  FailureRatio(0.5) opens per 5 min {string.Join(" / ", ratio.Opens)}, refused {Percent(ratio.Rejected)}; ConsecutiveFailures(5) opens per 5 min {string.Join(" / ", consecutive.Opens)}, first open after {consecutive.FirstOpenAfterCalls[0]} calls, refused {Percent(consecutive.Rejected)}");
        Assert.NotNull(adaptive.FirstOpenAfterCalls[0]);
        Assert.All(adaptive.Opens, opens => Assert.True(opens > 0, $"adaptive opens per 5 minutes: {string.Join(" / ", adaptive.Opens)}"));
        Assert.All(degraded.Opens[1..], opens => Assert.True(opens > 0, $"degraded: adaptive opens per 5 minutes: {string.Join(" / ", degraded.Opens[1..])}"));
        Assert.True(adaptive.FinalThreshold < 0.3, $"threshold at the end {adaptive.FinalThreshold}: the 30% rate was learned as normal");
        Assert.True(adaptive.Rejected > 120_000 / 2, $"refused {adaptive.Rejected} of 120,000");

        static string Percent(long rejected) => $"{rejected} ({100.0 * rejected / 120_000:F1}%)";
    }
}
