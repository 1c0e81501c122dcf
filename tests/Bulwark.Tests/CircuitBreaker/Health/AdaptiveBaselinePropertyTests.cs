using Bulwark.CircuitBreaker.Health;
using CsCheck;

namespace Bulwark.Tests.CircuitBreaker.Health;

/// <summary>Properties of the adaptive baseline's math, for any settings in the options' ranges and any traffic.</summary>
public class AdaptiveBaselinePropertyTests
{
    /// <summary>Settings in the ranges the options allow (bucket = SamplingDuration / 10).</summary>
    private static readonly Gen<Settings> SettingsGen =
        Gen.Select(
            Gen.Select(Gen.Double[0.01, 8_640], Gen.Double[1, 604_800], Gen.Double[0, 1], Gen.Double[0, 1]),
            Gen.Select(Gen.Double[1, 100], Gen.Double[0.0001, 1], Gen.Double[0.0001, 1]))
        .Select(static t =>
        {
            var ((bucket, horizon, initialRate, weightShare), (multiplier, a, b)) = t;
            double maxWeight = Math.Min(604_800, 10 * horizon);
            return new Settings(Ticks(bucket), Ticks(horizon), initialRate, Ticks(weightShare * maxWeight), multiplier, Math.Min(a, b), Math.Max(a, b));
        });

    /// <summary>A bucket: calls (up to the 32-bit counter), failures, and buckets elapsed since the previous one.</summary>
    private static readonly Gen<Bucket> BucketGen =
        Gen.Select(Gen.OneOf(Gen.Long[0, 50], Gen.Long[0, 5_000], Gen.Long[0, uint.MaxValue]), Gen.Double[0, 1], Gen.OneOf(Gen.Long[1, 3], Gen.Long[1, 1_000_000], Gen.Long[1, long.MaxValue / 2]))
            .Select(static t => new Bucket(t.Item1, (long)Math.Floor(t.Item1 * t.Item2), t.Item3));

    [Fact]
    public void MoreFailures_NeverLowerTheBaselineOrTheThreshold()
    {
        Gen.Select(SettingsGen, Gen.Select(BucketGen, Gen.Double[0, 1]).Array[1, 80])
            .Sample(
                static sample =>
                {
                    var (settings, buckets) = sample;
                    var fewer = settings.Create();
                    var more = settings.Create();
                    foreach (var (bucket, extra) in buckets)
                    {
                        // The same calls, with at least as many failures.
                        long moreFailures = bucket.Failures + (long)Math.Floor((bucket.Calls - bucket.Failures) * extra);
                        fewer.Fold(new WindowCounts(bucket.Calls, bucket.Failures), bucket.Elapsed);
                        more.Fold(new WindowCounts(bucket.Calls, moreFailures), bucket.Elapsed);
                        if (more.Rate < fewer.Rate || more.Threshold < fewer.Threshold)
                        {
                            return false;
                        }
                    }

                    return true;
                },
                iter: 2_000);
    }

    [Fact]
    public void PriorShare_DecaysWithTheHorizon_WhateverTheCallRateAndTheIdleGaps()
    {
        // After m buckets of traffic the prior holds W·d^m seconds and the history H·(1 − d^m), d = exp(−bucket/H): with no
        // failures the baseline is the initial rate times the prior's share, however many calls each bucket held and
        // however long the breaker sat idle between them.
        Gen.Select(SettingsGen, Gen.Select(Gen.Long[1, 100_000], Gen.Long[1, 10_000]).Array[1, 300])
            .Sample(
                static sample =>
                {
                    var (settings, buckets) = sample;
                    var baseline = settings.Create();
                    foreach (var (calls, elapsed) in buckets)
                    {
                        baseline.Fold(new WindowCounts(calls, 0), elapsed);
                    }

                    double d = Math.Exp(-settings.BucketSeconds / settings.HorizonSeconds);
                    double dm = Math.Pow(d, buckets.Length);
                    double prior = settings.InitialWeightSeconds * dm;
                    double history = settings.HorizonSeconds * (1 - dm);
                    double share = prior + history > 0 ? prior / (prior + history) : 0;
                    return Near(baseline.PriorShare, share) && Near(baseline.Rate, settings.InitialRate * share);
                },
                iter: 2_000);
    }

    [Fact]
    public void WithTheDefaults_TheHistoryOutweighsThePrior_AfterHorizonTimesLnTwo()
    {
        // W = H = 10 minutes, 1 s buckets: 50/50 after H·ln 2 ≈ 416 s of traffic, 86.5% history after two horizons.
        var settings = new Settings(1, 600, 0.05, 600, 2, 0.2, 0.8);
        var baseline = settings.Create();
        for (int i = 0; i < 416; i++)
        {
            baseline.Fold(new WindowCounts(10, 0), 1);
        }

        Assert.InRange(baseline.PriorShare, 0.499, 0.501);
        for (int i = 416; i < 1200; i++)
        {
            baseline.Fold(new WindowCounts(10, 0), 1);
        }

        Assert.InRange(1 - baseline.PriorShare, 0.864, 0.866);
    }

    [Fact]
    public void AnyInputInRange_GivesFiniteRatesAndThresholdsInRange()
    {
        var step = Gen.OneOf(
            BucketGen.Select(static b => (Fold: true, Bucket: b, Rate: 0.0, Weight: 0.0)),
            Gen.Select(Gen.Double[0, 1], Gen.OneOf(Gen.Const(0.0), Gen.Double[0, 1e12])).Select(static t => (Fold: false, Bucket: default(Bucket), Rate: t.Item1, Weight: t.Item2)));
        Gen.Select(SettingsGen, step.Array[0, 60])
            .Sample(
                static sample =>
                {
                    var (settings, steps) = sample;
                    var baseline = settings.Create();
                    if (!InRange(baseline, settings))
                    {
                        return false;
                    }

                    foreach (var s in steps)
                    {
                        if (s.Fold)
                        {
                            baseline.Fold(new WindowCounts(s.Bucket.Calls, s.Bucket.Failures), s.Bucket.Elapsed);
                        }
                        else
                        {
                            baseline.Set(s.Rate, s.Weight);
                        }

                        if (!InRange(baseline, settings))
                        {
                            return false;
                        }
                    }

                    return true;
                },
                iter: 2_000);
    }

    private static bool InRange(AdaptiveBaseline baseline, Settings settings) =>
        double.IsFinite(baseline.Rate) && baseline.Rate is >= 0 and <= 1 &&
        double.IsFinite(baseline.Threshold) && baseline.Threshold >= settings.MinThreshold && baseline.Threshold <= settings.MaxThreshold &&
        double.IsFinite(baseline.Weight) && baseline.Weight >= 0 &&
        double.IsFinite(baseline.PriorShare) && baseline.PriorShare is >= 0 and <= 1;

    private static bool Near(double actual, double expected) => Math.Abs(actual - expected) <= 1e-12 + (1e-7 * Math.Abs(expected));

    /// <summary>Seconds as a <see cref="TimeSpan"/> holds them, so the expected values use the durations the baseline sees.</summary>
    private static double Ticks(double seconds) => Duration(seconds).TotalSeconds;

    /// <summary>
    /// The duration of <paramref name="seconds"/> to the nearest tick. Not <see cref="TimeSpan.FromSeconds(double)"/>, which
    /// truncates: 2.1e-6 s times 10^7 is 20.999999999999996, so it gave 20 ticks where <see cref="Ticks"/> had kept 21, and
    /// the baseline's prior was 5% off the expected one (seed 7FQ_Zd1_XLf1).
    /// </summary>
    private static TimeSpan Duration(double seconds) => TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

    internal sealed record Settings(
        double BucketSeconds,
        double HorizonSeconds,
        double InitialRate,
        double InitialWeightSeconds,
        double ThresholdMultiplier,
        double MinThreshold,
        double MaxThreshold)
    {
        public AdaptiveBaseline Create() => new(
            Duration(BucketSeconds),
            Duration(HorizonSeconds),
            InitialRate,
            Duration(InitialWeightSeconds),
            ThresholdMultiplier,
            MinThreshold,
            MaxThreshold);
    }

    internal readonly record struct Bucket(long Calls, long Failures, long Elapsed);
}
