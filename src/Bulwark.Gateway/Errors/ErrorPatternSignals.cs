using System.Globalization;
using Bulwark.ErrorMonitoring;
using Bulwark.ErrorMonitoring.Detection;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Bulwark.Outcomes;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// The error pattern detectors (<c>Bulwark:Errors:Detection</c>) as alert signals: the monitor's fingerprints and the routes'
/// request counts are evaluated once per detection interval (the alert loop runs more often; in between the last result is
/// returned, so a new error stays signalled for one interval). Rules: <c>new-error</c>, <c>repeated-error</c> (labels
/// <c>fingerprint</c>, and <c>provider</c> / <c>route</c> when the fingerprint names them), <c>error-rate-high</c>,
/// <c>error-rate-critical</c>, <c>error-anomaly</c>, <c>recovery-failure</c>, <c>system-degradation</c> (label
/// <c>window</c>: <c>1m</c> or <c>5m</c>), and <c>error-rate-high</c> / <c>error-rate-critical</c> per provider (labels
/// <c>provider</c> and <c>window</c>). A pattern's severity is the alert's.
/// </summary>
internal sealed class ErrorPatternSignals : IAlertSignalSource
{
    private const int SnapshotLimit = 10_000;

    private readonly IErrorMonitor _monitor;
    private readonly GatewayRequestCounts _requests;
    private readonly ErrorPatternDetector _detector;
    private readonly TimeSpan _interval;
    private readonly ErrorRateDetectionOptions _rate;
    private DateTimeOffset? _evaluatedAt;
    private IReadOnlyList<AlertSignal> _last = [];

    public ErrorPatternSignals(IErrorMonitor monitor, GatewayRequestCounts requests, IOptions<GatewayOptions> options, TimeProvider timeProvider)
    {
        var detection = options.Value.Errors.Detection;
        _monitor = monitor;
        _requests = requests;
        _interval = detection.EvaluationInterval;
        _rate = detection.ErrorRate;
        _detector = new ErrorPatternDetector(Options.Create(detection), timeProvider);
    }

    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_evaluatedAt is { } at && now - at < _interval && now >= at)
        {
            return ValueTask.FromResult(_last);
        }

        var fingerprints = _monitor.GetSnapshot(new ErrorSnapshotFilter { Limit = SnapshotLimit });
        var patterns = _detector.Evaluate(fingerprints, _requests.Read());
        var signals = new List<AlertSignal>(patterns.Count);
        foreach (var pattern in patterns)
        {
            signals.Add(ToSignal(pattern));
        }

        if (_rate.Enabled)
        {
            AddProviderRates(fingerprints, signals);
        }

        _evaluatedAt = now;
        _last = signals;
        return ValueTask.FromResult(_last);
    }

    /// <summary>
    /// The error-rate rules per provider (labels <c>provider</c> and <c>window</c>), so that a provider that is down can
    /// inhibit its own error-rate alerts: its failed attempts (the fingerprints the forwarding stage records per attempt,
    /// typed by their outcome) over the attempts it was sent, with the thresholds of <c>Errors:Detection:ErrorRate</c>.
    /// </summary>
    private void AddProviderRates(IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, List<AlertSignal> signals)
    {
        foreach (var (provider, attempts) in _requests.ReadProviders())
        {
            double minute = 0;
            double five = 0;
            foreach (var fingerprint in fingerprints)
            {
                if (string.Equals(fingerprint.Provider, provider, StringComparison.Ordinal) && Enum.TryParse<AttemptOutcome>(fingerprint.Type, out _))
                {
                    minute += Math.Max(0, fingerprint.LastMinute);
                    five += Math.Max(0, fingerprint.Last5Minutes);
                }
            }

            AddProviderRate(provider, "1m", "1 minute", minute, attempts.LastMinute, signals);
            AddProviderRate(provider, "5m", "5 minutes", five, attempts.Last5Minutes, signals);
        }
    }

    private void AddProviderRate(string provider, string window, string windowText, double errors, long attempts, List<AlertSignal> signals)
    {
        if (attempts < _rate.MinimumRequests || attempts == 0)
        {
            return;
        }

        double rate = errors / attempts;
        bool critical = rate >= _rate.CriticalRate;
        if (!critical && rate < _rate.HighRate)
        {
            return;
        }

        double threshold = critical ? _rate.CriticalRate : _rate.HighRate;
        signals.Add(new AlertSignal(
            critical ? "error-rate-critical" : "error-rate-high",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["provider"] = provider, ["window"] = window },
            critical ? AlertSeverity.Critical : AlertSeverity.Error,
            string.Create(CultureInfo.InvariantCulture, $"Error rate {(critical ? "critical" : "high")} at provider '{provider}': {rate:P1} of its attempts failed in the last {windowText}"),
            string.Create(CultureInfo.InvariantCulture, $"{errors} failed attempts in {attempts} sent to '{provider}' (threshold {threshold:P1})."),
            rate));
    }

    /// <summary>The rule's name of a pattern.</summary>
    public static string RuleOf(DetectedPatternKind kind) => kind switch
    {
        DetectedPatternKind.NewError => "new-error",
        DetectedPatternKind.RepeatedError => "repeated-error",
        DetectedPatternKind.ErrorRateHigh => "error-rate-high",
        DetectedPatternKind.ErrorRateCritical => "error-rate-critical",
        DetectedPatternKind.ErrorAnomaly => "error-anomaly",
        DetectedPatternKind.RecoveryFailure => "recovery-failure",
        DetectedPatternKind.SystemDegradation => "system-degradation",
        _ => "error-pattern",
    };

    private static AlertSignal ToSignal(DetectedPattern pattern)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (pattern.Fingerprint is { } fingerprint)
        {
            labels["fingerprint"] = fingerprint;
            AddIfSet(labels, "provider", pattern.Provider);
            AddIfSet(labels, "route", pattern.Route);
        }
        else
        {
            labels["window"] = pattern.Scope.StartsWith("window:", StringComparison.Ordinal) ? pattern.Scope["window:".Length..] : pattern.Scope;
        }

        return new AlertSignal(RuleOf(pattern.Kind), labels, SeverityOf(pattern.Severity), pattern.Message, null, pattern.Value);
    }

    private static AlertSeverity SeverityOf(ErrorSeverity severity) => severity switch
    {
        ErrorSeverity.Info => AlertSeverity.Info,
        ErrorSeverity.Warning => AlertSeverity.Warning,
        ErrorSeverity.Error => AlertSeverity.Error,
        _ => AlertSeverity.Critical,
    };

    private static void AddIfSet(Dictionary<string, string> labels, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            labels[name] = value;
        }
    }
}
