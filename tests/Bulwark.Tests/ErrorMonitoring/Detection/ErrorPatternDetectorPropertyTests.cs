using Bulwark.ErrorMonitoring;
using Bulwark.ErrorMonitoring.Detection;
using CsCheck;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.ErrorMonitoring.Detection;

public class ErrorPatternDetectorPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static ErrorPatternDetector Create(TimeSpan warmUp)
    {
        var time = new FakeTimeProvider(Now - warmUp);
        var options = new ErrorPatternDetectorOptions();
        options.NewError.WarmUp = warmUp;
        var detector = new ErrorPatternDetector(Options.Create(options), time);
        time.SetUtcNow(Now);
        return detector;
    }

    private static readonly Gen<ErrorFingerprintSnapshot> AnyFingerprint =
        Gen.Select(Gen.Long, Gen.Long, Gen.Long[-10_000_000, 10_000_000], Gen.Int[0, 5], Gen.Int[0, 1000]).Select(static t =>
            ErrorPatternDetectorTests.Fingerprint("f" + t.Item5, t.Item1, t.Item2, Now + TimeSpan.FromSeconds(t.Item3), (ErrorSeverity)t.Item4));

    [Fact]
    public void Evaluate_AnySnapshotAndRequestCounts_NeverThrows_AndReportsSaneValues()
    {
        Gen.Select(AnyFingerprint.Array[0, 20], Gen.Long, Gen.Long, Gen.Bool, Gen.Int[0, 600]).Sample(t =>
        {
            var (fingerprints, minute, five, withCounts, warmUp) = t;
            var detector = Create(TimeSpan.FromSeconds(warmUp));

            var patterns = detector.Evaluate(fingerprints, withCounts ? new RequestCounts(minute, five) : null);

            Assert.All(patterns, static p =>
            {
                Assert.False(double.IsNaN(p.Value));
                Assert.False(string.IsNullOrEmpty(p.Message));
            });
        });
    }

    [Fact]
    public void RepeatedError_IsMonotoneInTheFiveMinuteCount()
    {
        Gen.Select(Gen.Long[0, 200], Gen.Long[0, 200]).Sample(t =>
        {
            var (low, extra) = t;
            var detector = Create(TimeSpan.Zero);

            bool firesLow = Fires(detector.Evaluate([ErrorPatternDetectorTests.Fingerprint("a", last5Minutes: low)]));
            bool firesHigh = Fires(detector.Evaluate([ErrorPatternDetectorTests.Fingerprint("a", last5Minutes: low + extra)]));

            Assert.True(!firesLow || firesHigh);
            Assert.Equal(low >= 50, firesLow);
        });

        static bool Fires(IReadOnlyList<DetectedPattern> patterns) => patterns.Any(static p => p.Kind == DetectedPatternKind.RepeatedError);
    }

    [Fact]
    public void ErrorRate_LevelIsMonotoneInErrors_ForFixedRequests()
    {
        Gen.Select(Gen.Long[0, 2000], Gen.Long[0, 2000], Gen.Long[0, 5000], Gen.Int[1, 8]).Sample(t =>
        {
            var (errors, extra, requests, split) = t;
            var detector = Create(TimeSpan.Zero);

            int low = Level(detector.Evaluate(Spread(errors, split), new RequestCounts(requests, requests)));
            int high = Level(detector.Evaluate(Spread(errors + extra, split), new RequestCounts(requests, requests)));

            Assert.True(low <= high, $"{errors} -> {errors + extra} errors in {requests}: level {low} -> {high}");
        });

        // The same errors over any number of fingerprints count the same.
        static ErrorFingerprintSnapshot[] Spread(long errors, int parts) =>
            [.. Enumerable.Range(0, parts).Select(i => ErrorPatternDetectorTests.Fingerprint("f" + i, lastMinute: errors / parts + (i < errors % parts ? 1 : 0)))];

        static int Level(IReadOnlyList<DetectedPattern> patterns) =>
            patterns.Where(static p => p.Scope == "window:1m").Select(static p => p.Kind == DetectedPatternKind.ErrorRateCritical ? 2 : 1).DefaultIfEmpty(0).Max();
    }

    [Fact]
    public void NewError_EvaluatedEveryInterval_ReportsEachFingerprintAfterWarmUpExactlyOnce()
    {
        Gen.Int[0, 3600].Array[1, 30].Sample(seconds =>
        {
            var start = Now;
            var time = new FakeTimeProvider(start);
            var detector = new ErrorPatternDetector(Options.Create(new ErrorPatternDetectorOptions()), time);
            var fingerprints = seconds.Select((s, i) => ErrorPatternDetectorTests.Fingerprint("f" + i, firstSeen: start + TimeSpan.FromSeconds(s))).ToArray();
            var reported = new List<string>();
            for (int minute = 1; minute <= 61; minute++)
            {
                time.SetUtcNow(start + TimeSpan.FromMinutes(minute));
                var visible = fingerprints.Where(f => f.FirstSeen <= time.GetUtcNow()).ToArray();
                reported.AddRange(detector.Evaluate(visible).Where(static p => p.Kind == DetectedPatternKind.NewError).Select(static p => p.Fingerprint!));
            }

            var expected = fingerprints.Where(static f => f.FirstSeen >= Now + TimeSpan.FromMinutes(5)).Select(static f => f.Fingerprint);
            Assert.Equal(expected.Order(), reported.Order());
        });
    }
}
