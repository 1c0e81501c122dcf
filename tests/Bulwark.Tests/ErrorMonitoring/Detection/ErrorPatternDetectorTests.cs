using Bulwark.ErrorMonitoring;
using Bulwark.ErrorMonitoring.Detection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.ErrorMonitoring.Detection;

public class ErrorPatternDetectorTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    internal static ErrorFingerprintSnapshot Fingerprint(string id, long lastMinute = 0, long last5Minutes = 0, DateTimeOffset? firstSeen = null, ErrorSeverity severity = ErrorSeverity.Error) => new()
    {
        Fingerprint = id,
        Type = "TimeoutException",
        Provider = "openai",
        Route = "/v1/chat",
        StatusCode = 504,
        NormalizedMessage = "Order <n> timed out",
        SampleMessage = "Order <n> timed out",
        SampleAttributes = new Dictionary<string, string>(),
        Severity = severity,
        FirstSeen = firstSeen ?? Start - TimeSpan.FromDays(1),
        LastSeen = Start,
        Count = Math.Max(1, last5Minutes),
        LastMinute = lastMinute,
        Last5Minutes = last5Minutes,
    };

    private static (ErrorPatternDetector Detector, FakeTimeProvider Time) Create(Action<ErrorPatternDetectorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Start);
        var options = new ErrorPatternDetectorOptions();
        configure?.Invoke(options);
        return (new ErrorPatternDetector(Options.Create(options), time), time);
    }

    [Fact]
    public void NewError_FirstSeenWithinTheInterval_AfterWarmUp_Fires_AndNotOnTheNextEvaluation()
    {
        var (detector, time) = Create();
        time.Advance(TimeSpan.FromMinutes(10));
        var now = time.GetUtcNow();
        var fresh = Fingerprint("a", lastMinute: 2, last5Minutes: 2, firstSeen: now - TimeSpan.FromSeconds(59), severity: ErrorSeverity.Warning);
        var old = Fingerprint("b", lastMinute: 1, last5Minutes: 1, firstSeen: now - TimeSpan.FromMinutes(1));

        var pattern = Assert.Single(detector.Evaluate([fresh, old]));

        Assert.Equal((DetectedPatternKind.NewError, "a", "fingerprint:a", ErrorSeverity.Warning), (pattern.Kind, pattern.Fingerprint, pattern.Scope, pattern.Severity));
        Assert.Equal("New error TimeoutException (openai /v1/chat 504): Order <n> timed out; first seen 2026-12-07T10:09:01.0000000+00:00, 2 since.", pattern.Message);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(detector.Evaluate([fresh, old]));
    }

    [Fact]
    public void NewError_FirstSeenDuringWarmUp_NeverFires()
    {
        var (detector, time) = Create(o => o.NewError.WarmUp = TimeSpan.FromMinutes(5));
        time.Advance(TimeSpan.FromMinutes(4));
        var duringWarmUp = Fingerprint("a", firstSeen: time.GetUtcNow());
        Assert.Empty(detector.Evaluate([duringWarmUp]));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(detector.Evaluate([duringWarmUp]));
    }

    [Fact]
    public void NewError_NoWarmUp_FiresRightAfterStart()
    {
        var (detector, time) = Create(o => o.NewError.WarmUp = TimeSpan.Zero);

        Assert.Single(detector.Evaluate([Fingerprint("a", firstSeen: time.GetUtcNow())]));
    }

    [Fact]
    public void NewError_LongerInterval_WidensWhatCountsAsNew()
    {
        var (detector, time) = Create(o => o.EvaluationInterval = TimeSpan.FromMinutes(10));
        time.Advance(TimeSpan.FromHours(1));

        Assert.Single(detector.Evaluate([Fingerprint("a", firstSeen: time.GetUtcNow() - TimeSpan.FromMinutes(9))]));
    }

    [Fact]
    public void NewError_EvaluationLaterThanOneInterval_ReportsWhatAppearedSinceThePreviousOne_NoGap()
    {
        var (detector, time) = Create(o => o.NewError.WarmUp = TimeSpan.Zero);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(detector.Evaluate([]));
        time.Advance(TimeSpan.FromMilliseconds(10));
        var appeared = time.GetUtcNow();

        // The next evaluation comes 50 ms late: the fingerprint is older than one interval, but newer than that evaluation.
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(40));
        Assert.Single(detector.Evaluate([Fingerprint("a", firstSeen: appeared)]));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(detector.Evaluate([Fingerprint("a", firstSeen: appeared)]));
    }

    [Fact]
    public void NewError_ReadFromARealMonitor_FiresOnceForTheNewFingerprint()
    {
        var time = new FakeTimeProvider(Start);
        var monitor = new ErrorMonitor(Options.Create(new ErrorMonitorOptions()), time);
        var detector = new ErrorPatternDetector(Options.Create(new ErrorPatternDetectorOptions()), time);
        monitor.Record("Known", "seen in warm-up");
        time.Advance(TimeSpan.FromMinutes(10));
        monitor.Record("Known", "seen in warm-up");
        string fresh = monitor.Record("Fresh", "Customer 42 not found");

        var pattern = Assert.Single(detector.Evaluate(monitor));

        Assert.Equal(fresh, pattern.Fingerprint);
        Assert.Contains("Customer <n> not found", pattern.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("42", pattern.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorRate_FromAMonitorWithMoreThanTheDefaultSnapshotLimit_CountsEveryFingerprint()
    {
        var time = new FakeTimeProvider(Start);
        var monitor = new ErrorMonitor(Options.Create(new ErrorMonitorOptions()), time);
        var detector = new ErrorPatternDetector(Options.Create(new ErrorPatternDetectorOptions()), time);
        for (int i = 0; i < 300; i++)
        {
            monitor.Record("E" + i, "boom");
        }

        var patterns = detector.Evaluate(monitor, new RequestCounts(1000, 1000));

        var rate = Assert.Single(patterns, static p => p.Scope == "window:1m");
        Assert.Equal((DetectedPatternKind.ErrorRateCritical, 0.3), (rate.Kind, rate.Value));
    }

    [Fact]
    public void RepeatedError_AtThreshold_Fires_BelowDoesNot()
    {
        var (detector, _) = Create(o => o.RepeatedError.Threshold = 20);

        var pattern = Assert.Single(detector.Evaluate([Fingerprint("a", last5Minutes: 20, severity: ErrorSeverity.Critical), Fingerprint("b", last5Minutes: 19)]));

        Assert.Equal((DetectedPatternKind.RepeatedError, "a", ErrorSeverity.Critical, 20.0, 20.0), (pattern.Kind, pattern.Fingerprint, pattern.Severity, pattern.Value, pattern.Threshold));
        Assert.Equal("Repeated error TimeoutException (openai /v1/chat 504): Order <n> timed out; 20 times in 5 minutes (threshold 20).", pattern.Message);
    }

    [Fact]
    public void ErrorRate_AtHighThreshold_FiresHighPerWindow()
    {
        var (detector, _) = Create();

        var patterns = detector.Evaluate([Fingerprint("a", lastMinute: 5, last5Minutes: 20), Fingerprint("b", lastMinute: 0, last5Minutes: 5)], new RequestCounts(100, 500));

        Assert.Equal(2, patterns.Count);
        Assert.All(patterns, static p => Assert.Equal((DetectedPatternKind.ErrorRateHigh, ErrorSeverity.Error, 0.05, 0.05, (string?)null), (p.Kind, p.Severity, p.Value, p.Threshold, p.Fingerprint)));
        Assert.Equal(["window:1m", "window:5m"], patterns.Select(static p => p.Scope));
        Assert.Equal("Error rate high: 5% in the last 1 minute (5 errors in 100 requests; threshold 5%).", patterns[0].Message);
    }

    [Fact]
    public void ErrorRate_AtCriticalThreshold_FiresCriticalOnly_MostSevereFirst()
    {
        var (detector, _) = Create();

        var patterns = detector.Evaluate([Fingerprint("a", lastMinute: 20, last5Minutes: 30)], new RequestCounts(100, 500));

        Assert.Equal(
            [(DetectedPatternKind.ErrorRateCritical, "window:1m", ErrorSeverity.Critical), (DetectedPatternKind.ErrorRateHigh, "window:5m", ErrorSeverity.Error)],
            patterns.Select(static p => (p.Kind, p.Scope, p.Severity)));
    }

    [Fact]
    public void ErrorRate_BelowMinimumRequests_OrWithoutCounts_DoesNotFire()
    {
        var (detector, _) = Create(o => (o.ErrorRate.MinimumRequests, o.RepeatedError.Enabled) = (200, false));
        ErrorFingerprintSnapshot[] all = [Fingerprint("a", lastMinute: 100, last5Minutes: 100)];

        Assert.Empty(detector.Evaluate(all, new RequestCounts(199, 199)));
        Assert.Empty(detector.Evaluate(all));
        Assert.Equal(2, detector.Evaluate(all, new RequestCounts(200, 200)).Count);
    }

    [Fact]
    public void ErrorRate_CustomThresholds_AreUsed()
    {
        var (detector, _) = Create(o => (o.ErrorRate.HighRate, o.ErrorRate.CriticalRate) = (0.01, 0.02));

        var patterns = detector.Evaluate([Fingerprint("a", lastMinute: 1, last5Minutes: 10)], new RequestCounts(100, 500));

        Assert.Equal([DetectedPatternKind.ErrorRateCritical, DetectedPatternKind.ErrorRateHigh], patterns.Select(static p => p.Kind));
    }

    [Theory]
    [InlineData(DetectedPatternKind.NewError)]
    [InlineData(DetectedPatternKind.RepeatedError)]
    [InlineData(DetectedPatternKind.ErrorRateHigh)]
    public void Enabled_False_SilencesOnlyThatDetector(DetectedPatternKind disabled)
    {
        var (detector, time) = Create(o =>
        {
            o.NewError.Enabled = disabled != DetectedPatternKind.NewError;
            o.RepeatedError.Enabled = disabled != DetectedPatternKind.RepeatedError;
            o.ErrorRate.Enabled = disabled != DetectedPatternKind.ErrorRateHigh;
        });
        time.Advance(TimeSpan.FromHours(1));

        var patterns = detector.Evaluate([Fingerprint("a", lastMinute: 10, last5Minutes: 60, firstSeen: time.GetUtcNow())], new RequestCounts(100, 1000));

        var kinds = patterns.Select(static p => p.Kind).Distinct().ToHashSet();
        Assert.DoesNotContain(disabled, kinds);
        Assert.Equal(2, kinds.Count);
    }

    [Fact]
    public void Options_ChangedAfterConstruction_AreNotSeen()
    {
        var options = new ErrorPatternDetectorOptions();
        var detector = new ErrorPatternDetector(Options.Create(options), new FakeTimeProvider(Start));
        options.RepeatedError.Threshold = 0;

        Assert.Empty(detector.Evaluate([Fingerprint("a", last5Minutes: 1)]));
    }

    [Fact]
    public void Evaluate_NullEntries_AreSkipped()
    {
        var (detector, _) = Create();

        Assert.Single(detector.Evaluate([null!, Fingerprint("a", last5Minutes: 50)]));
    }
}
