using Bulwark.ErrorMonitoring.Detection;
using Xunit.Abstractions;

namespace Bulwark.Tests.ErrorMonitoring.Detection;

/// <summary>
/// The anomaly, recovery-failure and system-degradation detectors on synthetic traces (1,000 requests a minute, errors spread
/// over 8 fingerprints, one evaluation a minute, default options): no false alert in 24 steady hours, and a 5× step
/// detected within two of the detector's windows (1 minute for the anomaly, 5 minutes for the others).
/// </summary>
public class ErrorSignalTraceTests(ITestOutputHelper output)
{
    private const int RequestsPerStep = 83;
    private const int Fingerprints = 8;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SteadyTrace_24Hours_WithRecoveries_NoAnomalyRecoveryFailureOrDegradation(int seed)
    {
        var trace = new ErrorTrace(seed);

        var evaluations = trace.Run(TimeSpan.FromHours(24), RequestsPerStep, 0.02, Fingerprints, recoveryFailure: 0.05);

        Assert.Equal(24 * 60, evaluations.Count);
        var falseAlerts = evaluations.Where(static e => e.Patterns.Any(IsNewKind)).ToList();
        Assert.True(falseAlerts.Count == 0, $"{falseAlerts.Count} false alerts, first at {falseAlerts.FirstOrDefault().At}: {falseAlerts.FirstOrDefault().Patterns?.FirstOrDefault(IsNewKind)?.Message}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SteadyTrace_24Hours_AtALowBaseline_NoAnomaly(int seed)
    {
        var trace = new ErrorTrace(seed);

        var evaluations = trace.Run(TimeSpan.FromHours(24), RequestsPerStep, 0.005, Fingerprints);

        Assert.DoesNotContain(evaluations, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.ErrorAnomaly));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Anomaly_FiveTimesStep_BelowTheFixedThresholds_FiresWithinTwoOneMinuteWindows(int seed)
    {
        // 0.5% -> 2.5%: under the error-rate detector's 5%, so only the anomaly sees it.
        var trace = new ErrorTrace(seed);
        var before = trace.Run(TimeSpan.FromHours(2), RequestsPerStep, 0.005, Fingerprints);
        var stepAt = trace.Elapsed;

        var after = trace.Run(TimeSpan.FromMinutes(10), RequestsPerStep, 0.025, Fingerprints);

        Assert.DoesNotContain(before, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.ErrorAnomaly));
        var first = after.First(static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.ErrorAnomaly));
        var delay = first.At - stepAt;
        output.WriteLine($"seed {seed}: error rate 0.5% -> 2.5%, ErrorAnomaly after {delay}");
        Assert.True(delay <= TimeSpan.FromMinutes(2), $"detected after {delay}");
        Assert.DoesNotContain(after, static e => e.Patterns.Any(static p => p.Kind is DetectedPatternKind.ErrorRateHigh or DetectedPatternKind.ErrorRateCritical));
        var pattern = first.Patterns.Single(static p => p.Kind == DetectedPatternKind.ErrorAnomaly);
        Assert.Equal(("window:1m", Bulwark.ErrorMonitoring.ErrorSeverity.Error), (pattern.Scope, pattern.Severity));
        Assert.True(pattern.Value > pattern.Threshold, $"{pattern.Value} <= {pattern.Threshold}");
    }

    [Fact]
    public void Anomaly_RateBackToBaseline_StopsFiring()
    {
        var trace = new ErrorTrace(11);
        trace.Run(TimeSpan.FromHours(1), RequestsPerStep, 0.005, Fingerprints);
        trace.Run(TimeSpan.FromMinutes(5), RequestsPerStep, 0.025, Fingerprints);

        var back = trace.Run(TimeSpan.FromMinutes(30), RequestsPerStep, 0.005, Fingerprints);

        Assert.DoesNotContain(back.Skip(10), static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.ErrorAnomaly));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RecoveryFailure_FiveTimesStep_FiresWithinTwoFiveMinuteWindows(int seed)
    {
        var trace = new ErrorTrace(seed);
        var before = trace.Run(TimeSpan.FromHours(1), RequestsPerStep, 0.02, Fingerprints, recoveryFailure: 0.05);
        var stepAt = trace.Elapsed;

        var after = trace.Run(TimeSpan.FromMinutes(15), RequestsPerStep, 0.02, Fingerprints, recoveryFailure: 0.25);

        Assert.DoesNotContain(before, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.RecoveryFailure));
        var first = after.First(static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.RecoveryFailure));
        var delay = first.At - stepAt;
        output.WriteLine($"seed {seed}: failed recoveries 5% -> 25%, RecoveryFailure after {delay}");
        Assert.True(delay <= TimeSpan.FromMinutes(10), $"detected after {delay}");
        var pattern = first.Patterns.Single(static p => p.Kind == DetectedPatternKind.RecoveryFailure);
        Assert.Equal((0.2, "window:5m"), (pattern.Threshold, pattern.Scope));
    }

    [Fact]
    public void RecoveryFailure_RecoveriesRecordedBeforeTheDetectorStarted_AreNotCounted()
    {
        var trace = new ErrorTrace(5);
        for (int i = 0; i < 100; i++)
        {
            trace.Monitor.Record("Old", "failed", Bulwark.ErrorMonitoring.ErrorSeverity.Error, recoveryAttempted: true, recoverySucceeded: false);
        }

        trace.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.DoesNotContain(trace.Detector.Evaluate(trace.Monitor), static p => p.Kind == DetectedPatternKind.RecoveryFailure);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SystemDegradation_FiveTimesStep_FiresWithinTwoFiveMinuteWindows(int seed)
    {
        var trace = new ErrorTrace(seed);
        var before = trace.Run(TimeSpan.FromHours(1), RequestsPerStep, 0.02, Fingerprints);
        var stepAt = trace.Elapsed;

        var after = trace.Run(TimeSpan.FromMinutes(15), RequestsPerStep, 0.10, Fingerprints);

        Assert.DoesNotContain(before, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.SystemDegradation));
        var first = after.First(static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.SystemDegradation));
        var delay = first.At - stepAt;
        output.WriteLine($"seed {seed}: 8 fingerprints at 2.5 -> 12.5 a minute, SystemDegradation after {delay}");
        Assert.True(delay <= TimeSpan.FromMinutes(10), $"detected after {delay}");
        var pattern = first.Patterns.Single(static p => p.Kind == DetectedPatternKind.SystemDegradation);
        Assert.Equal(Bulwark.ErrorMonitoring.ErrorSeverity.Critical, pattern.Severity);
        Assert.True(pattern.Value >= 3);
    }

    [Fact]
    public void SystemDegradation_OneFingerprintFloods_DoesNotFire()
    {
        var trace = new ErrorTrace(9);
        trace.Run(TimeSpan.FromMinutes(10), RequestsPerStep, 0.02, Fingerprints);

        var after = trace.Run(TimeSpan.FromMinutes(10), RequestsPerStep, 0.5, fingerprints: 1);

        Assert.DoesNotContain(after, static e => e.Patterns.Any(static p => p.Kind == DetectedPatternKind.SystemDegradation));
    }

    private static bool IsNewKind(DetectedPattern pattern) =>
        pattern.Kind is DetectedPatternKind.ErrorAnomaly or DetectedPatternKind.RecoveryFailure or DetectedPatternKind.SystemDegradation;
}
