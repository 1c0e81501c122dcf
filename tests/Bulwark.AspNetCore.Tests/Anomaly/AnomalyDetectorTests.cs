using Bulwark.AspNetCore.Anomaly;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Bulwark.AspNetCore.Tests.Anomaly;

public class AnomalyDetectorTests(ITestOutputHelper output)
{
    private const double BaseMs = 100;
    private const double ErrorRate = 0.02;
    private const int Seeds = 20;

    [Fact]
    public void Observe_ThreeTimesLatencyStep_FlaggedWithin30Samples()
    {
        var delays = new List<int>();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var (detector, series) = Stable(seed, 2_000);
            delays.Add(SamplesUntilDegraded(detector, () => (series.Latency(3 * BaseMs), series.Success(ErrorRate))));
            Assert.Equal(AnomalySignal.Latency, detector.GetReading("p")!.Signal);
        }

        output.WriteLine($"3x latency step: flagged after {delays.Min()}-{delays.Max()} samples (mean {delays.Average():0.0}) over {Seeds} seeds");
        Assert.All(delays, d => Assert.True(d <= 30, $"flagged after {d} samples"));
    }

    [Fact]
    public void Observe_ErrorRateStepFrom2To30Percent_FlaggedWithin150Samples()
    {
        var delays = new List<int>();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            var (detector, series) = Stable(seed, 2_000);
            delays.Add(SamplesUntilDegraded(detector, () => (series.Latency(BaseMs), series.Success(0.30))));
            Assert.Equal(AnomalySignal.ErrorRate, detector.GetReading("p")!.Signal);
        }

        output.WriteLine($"2% -> 30% error step: flagged after {delays.Min()}-{delays.Max()} samples (mean {delays.Average():0.0}) over {Seeds} seeds");
        Assert.All(delays, d => Assert.True(d <= 150, $"flagged after {d} samples"));
    }

    [Fact]
    public void Observe_StableNoisySeries_FewerThanOneFalseFlagPer10000Samples()
    {
        const int Samples = 100_000;
        var perSeed = new List<int>();
        int latency = 0, errors = 0;
        for (int seed = 1; seed <= 5; seed++)
        {
            var detector = new AnomalyDetector();
            int flags = 0;
            detector.StateChanged += (_, change) =>
            {
                if (change.State == AnomalyState.Degraded)
                {
                    flags++;
                    _ = change.Signal == AnomalySignal.Latency ? latency++ : errors++;
                }
            };
            var series = new SyntheticSeries(seed);
            Feed(detector, Samples, () => (series.Latency(BaseMs), series.Success(ErrorRate)));
            perSeed.Add(flags);
        }

        output.WriteLine($"stable series (log-normal latency, CV ~53%, {ErrorRate:P0} errors): false flags per {Samples:N0} samples by seed: {string.Join(", ", perSeed)} (latency {latency}, error rate {errors})");
        Assert.All(perSeed, flags => Assert.True(flags < 10, $"{flags} false flags in {Samples} samples"));
    }

    [Fact]
    public void Observe_StepThenReturn_RaisesDegradedThenNormalWithTimestamps()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var detector = new AnomalyDetector(timeProvider: time);
        var changes = new List<ProviderAnomalyChange>();
        detector.StateChanged += (_, change) => changes.Add(change);
        var series = new SyntheticSeries(7);
        Feed(detector, 2_000, () => (series.Latency(BaseMs), true));

        SamplesUntilDegraded(detector, () => (series.Latency(3 * BaseMs), true));
        time.Advance(TimeSpan.FromMinutes(1));
        Feed(detector, 500, () => (series.Latency(BaseMs), true));

        Assert.Equal([AnomalyState.Degraded, AnomalyState.Normal], changes.Select(c => c.State));
        Assert.Equal("p", changes[0].Provider);
        Assert.True(changes[0].Value > changes[0].UpperControlLimit);
        Assert.Equal(time.GetUtcNow(), changes[1].Timestamp);
        Assert.Equal(AnomalyState.Normal, detector.GetState("p"));
    }

    [Fact]
    public void Observe_LastingShift_RebaselinesAndRecovers()
    {
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { RebaselineAfter = 200 });
        var series = new SyntheticSeries(3);
        Feed(detector, 2_000, () => (series.Latency(BaseMs), true));
        SamplesUntilDegraded(detector, () => (series.Latency(3 * BaseMs), true));

        Feed(detector, 2_000, () => (series.Latency(3 * BaseMs), true));

        var reading = detector.GetReading("p")!;
        Assert.Equal(AnomalyState.Normal, reading.State);
        Assert.InRange(reading.BaselineLatencyMilliseconds, 2 * BaseMs, 5 * BaseMs);
    }

    [Fact]
    public void Observe_DuringWarmup_IsLearningAndNeverFlags()
    {
        var detector = new AnomalyDetector(new AnomalyDetectorOptions { WarmupSamples = 60 });
        for (int i = 0; i < 60; i++)
        {
            // Wild values: nothing can be judged before there is a baseline.
            Assert.Equal(AnomalyState.Learning, detector.Observe("p", TimeSpan.FromMilliseconds(i % 2 == 0 ? 1 : 1_000), i % 3 != 0));
        }

        Assert.Equal(AnomalyState.Normal, detector.Observe("p", TimeSpan.FromMilliseconds(500), true));
        Assert.Equal(AnomalyState.Learning, detector.GetState("unknown"));
        Assert.Null(detector.GetReading("unknown"));
    }

    [Fact]
    public void Observe_ConstantLatency_SmallJitterIsNotAnAnomaly()
    {
        var detector = new AnomalyDetector();
        Feed(detector, 1_000, () => (TimeSpan.FromMilliseconds(10), true));

        // 3% above a perfectly flat baseline: inside the 5% relative floor.
        Feed(detector, 100, () => (TimeSpan.FromMilliseconds(10.3), true));

        Assert.Equal(AnomalyState.Normal, detector.GetState("p"));
    }

    [Fact]
    public void Observe_ProvidersAreIndependent()
    {
        var detector = new AnomalyDetector();
        var series = new SyntheticSeries(11);
        for (int i = 0; i < 2_000; i++)
        {
            detector.Observe("a", series.Latency(BaseMs), true);
            detector.Observe("b", series.Latency(BaseMs), true);
        }

        for (int i = 0; i < 100; i++)
        {
            detector.Observe("a", series.Latency(5 * BaseMs), true);
            detector.Observe("b", series.Latency(BaseMs), true);
        }

        Assert.Equal(AnomalyState.Degraded, detector.GetState("a"));
        Assert.Equal(AnomalyState.Normal, detector.GetState("b"));
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryError()
    {
        var error = Assert.Throws<ArgumentException>(() => new AnomalyDetector(new AnomalyDetectorOptions
        {
            LatencySmoothingFactor = 0,
            ErrorRateConsecutiveBreaches = 0,
            MinimumErrorRate = 0.9,
        }));

        Assert.Equal(
            "LatencySmoothingFactor must be in (0, 1].; ErrorRateConsecutiveBreaches must be between 1 and 100000.; MinimumErrorRate must be in [0, 0.5]. (Parameter 'options')",
            error.Message);
    }

    private static (AnomalyDetector Detector, SyntheticSeries Series) Stable(int seed, int samples)
    {
        var detector = new AnomalyDetector();
        var series = new SyntheticSeries(seed);
        Feed(detector, samples, () => (series.Latency(BaseMs), series.Success(ErrorRate)));
        Assert.Equal(AnomalyState.Normal, detector.GetState("p"));
        return (detector, series);
    }

    private static int SamplesUntilDegraded(AnomalyDetector detector, Func<(TimeSpan Latency, bool Success)> next)
    {
        for (int samples = 1; samples <= 10_000; samples++)
        {
            var (latency, success) = next();
            if (detector.Observe("p", latency, success) == AnomalyState.Degraded)
            {
                return samples;
            }
        }

        Assert.Fail("never flagged");
        return -1;
    }

    private static void Feed(AnomalyDetector detector, int count, Func<(TimeSpan Latency, bool Success)> next)
    {
        for (int i = 0; i < count; i++)
        {
            var (latency, success) = next();
            detector.Observe("p", latency, success);
        }
    }
}
