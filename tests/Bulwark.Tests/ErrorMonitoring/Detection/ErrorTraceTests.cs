using Bulwark.ErrorMonitoring.Detection;
using Xunit.Abstractions;

namespace Bulwark.Tests.ErrorMonitoring.Detection;

/// <summary>
/// The detectors on synthetic traces: 1,000 requests a minute (83 every 5 s) at a 2% baseline error rate spread over 8
/// fingerprints, the defaults (5% high, 20% critical, 100 requests minimum, 50 repeats in 5 minutes, 5-minute warm-up).
/// </summary>
public class ErrorTraceTests(ITestOutputHelper output)
{
    private const int RequestsPerStep = 83;
    private const double Baseline = 0.02;
    private const int Fingerprints = 8;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SteadyTrace_24HoursAtBaseline_NoPatternFires(int seed)
    {
        var trace = new ErrorTrace(seed);

        var evaluations = trace.Run(TimeSpan.FromHours(24), RequestsPerStep, Baseline, Fingerprints);

        Assert.Equal(24 * 60, evaluations.Count);
        var falseAlerts = evaluations.Where(static e => e.Patterns.Count > 0).ToList();
        Assert.True(falseAlerts.Count == 0, $"{falseAlerts.Count} false alerts, first at {falseAlerts.FirstOrDefault().At}: {falseAlerts.FirstOrDefault().Patterns?.FirstOrDefault()?.Message}");
        Assert.Equal(Fingerprints, trace.Monitor.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ErrorRate_FiveTimesStep_FiresHighWithinTwoOneMinuteWindows(int seed)
    {
        var trace = new ErrorTrace(seed);
        var before = trace.Run(TimeSpan.FromHours(1), RequestsPerStep, Baseline, Fingerprints);
        var stepAt = trace.Elapsed;

        var after = trace.Run(TimeSpan.FromMinutes(10), RequestsPerStep, Baseline * 5, Fingerprints);

        Assert.DoesNotContain(before, static e => e.Patterns.Any(IsRate));
        var first = after.First(static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.ErrorRateHigh));
        var delay = first.At - stepAt;
        output.WriteLine($"seed {seed}: error rate 2% -> 10%, ErrorRateHigh after {delay}");
        Assert.True(delay <= TimeSpan.FromMinutes(2), $"detected after {delay}");
        Assert.DoesNotContain(after, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.ErrorRateCritical));
    }

    [Fact]
    public void ErrorRate_StepTo30Percent_FiresCriticalWithinTwoOneMinuteWindows()
    {
        var trace = new ErrorTrace(7);
        trace.Run(TimeSpan.FromMinutes(30), RequestsPerStep, Baseline, Fingerprints);
        var stepAt = trace.Elapsed;

        var after = trace.Run(TimeSpan.FromMinutes(10), RequestsPerStep, 0.30, Fingerprints);

        var first = after.First(static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.ErrorRateCritical));
        output.WriteLine($"error rate 2% -> 30%, ErrorRateCritical after {first.At - stepAt}");
        Assert.True(first.At - stepAt <= TimeSpan.FromMinutes(2));
        var critical = first.Patterns.First(static p => p.Kind == DetectedPatternKind.ErrorRateCritical);
        Assert.Equal(Bulwark.ErrorMonitoring.ErrorSeverity.Critical, critical.Severity);
        Assert.Equal(0.20, critical.Threshold);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RepeatedError_FiveTimesStep_FiresWithinTwoFiveMinuteWindows(int seed)
    {
        var trace = new ErrorTrace(seed);
        var before = trace.Run(TimeSpan.FromHours(1), RequestsPerStep, Baseline, Fingerprints);
        var stepAt = trace.Elapsed;

        var after = trace.Run(TimeSpan.FromMinutes(10), RequestsPerStep, Baseline * 5, Fingerprints);

        Assert.DoesNotContain(before, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.RepeatedError));
        var first = after.First(static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.RepeatedError));
        var delay = first.At - stepAt;
        output.WriteLine($"seed {seed}: 2.5 -> 12.5 per fingerprint a minute, RepeatedError after {delay}");
        Assert.True(delay <= TimeSpan.FromMinutes(10), $"detected after {delay}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void NewError_AppearingMidTrace_ReportedAtTheNextEvaluationExactlyOnce(int seed)
    {
        var trace = new ErrorTrace(seed);
        var before = trace.Run(TimeSpan.FromHours(1), RequestsPerStep, Baseline, Fingerprints);
        trace.Run(TimeSpan.FromSeconds(35), RequestsPerStep, Baseline, Fingerprints);
        var appearedAt = trace.Elapsed;
        trace.Monitor.Record("NewException", "Disk 3 is full", Bulwark.ErrorMonitoring.ErrorSeverity.Critical);

        var after = trace.Run(TimeSpan.FromMinutes(30), RequestsPerStep, Baseline, Fingerprints);

        Assert.DoesNotContain(before, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.NewError));
        var reports = after.Where(static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.NewError)).ToList();
        var report = Assert.Single(reports);
        output.WriteLine($"seed {seed}: new fingerprint reported {report.At - appearedAt} after it appeared");
        Assert.True(report.At - appearedAt <= TimeSpan.FromMinutes(1));
        var pattern = Assert.Single(report.Patterns, static p => p.Kind == DetectedPatternKind.NewError);
        Assert.Equal(Bulwark.ErrorMonitoring.ErrorSeverity.Critical, pattern.Severity);
        Assert.Contains("NewException", pattern.Message, StringComparison.Ordinal);
    }

    private static bool IsRate(DetectedPattern pattern) =>
        pattern.Kind is DetectedPatternKind.ErrorRateHigh or DetectedPatternKind.ErrorRateCritical;
}
