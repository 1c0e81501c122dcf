using Microsoft.Extensions.Options;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// Says which error patterns fire at an evaluation: new errors, repeated errors, high or critical error rates, error-rate
/// anomalies, recovery failure and system degradation, read from an <see cref="IErrorMonitor"/>'s snapshot and the caller's
/// request counts. Firing, deduplication and resolution belong to the alerting stage that calls it, once per
/// <see cref="ErrorPatternDetectorOptions.EvaluationInterval"/>: the anomaly's control chart and the recovery counts of the
/// last 5 minutes are kept between evaluations, so each call is one sample (evaluations are serialized).
/// </summary>
/// <remarks>
/// An evaluation never throws on the snapshot's contents: null entries are skipped and odd counts (negative, huge) are
/// compared as they are. A fingerprint the monitor evicted and sees again counts as new once more.
/// </remarks>
public sealed class ErrorPatternDetector
{
    private readonly DetectionSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ErrorAnomalyRule _anomaly;
    private readonly RecoveryFailureRule _recovery;
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastEvaluatedAt;

    /// <summary>Initializes a new instance of the <see cref="ErrorPatternDetector"/> class; the warm-up of the new-error detector starts now.</summary>
    /// <param name="options">The options; validated by <see cref="ErrorPatternDetectorOptionsValidator"/> and copied (later changes are not seen).</param>
    /// <param name="timeProvider">The clock of evaluations; the same as the monitor's. <see langword="null"/> for the system's.</param>
    /// <exception cref="OptionsValidationException">The options are out of range.</exception>
    public ErrorPatternDetector(IOptions<ErrorPatternDetectorOptions> options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (new ErrorPatternDetectorOptionsValidator().Validate(null, value) is { Failed: true } failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ErrorPatternDetectorOptions), failed.Failures);
        }

        _settings = DetectionSettings.From(value);
        _timeProvider = timeProvider ?? TimeProvider.System;
        StartedAt = _timeProvider.GetUtcNow();
        _anomaly = new ErrorAnomalyRule(_settings);
        _recovery = new RecoveryFailureRule(_settings, StartedAt);
    }

    /// <summary>Gets when the detector was built: the new-error warm-up runs from here.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Evaluates the monitor's fingerprints now (at most 10,000, the most frequent recently first); call it once per evaluation interval.</summary>
    /// <param name="monitor">The monitor to read.</param>
    /// <param name="requests">Requests in the last 1 and 5 minutes, or <see langword="null"/> when unknown (no error-rate pattern then).</param>
    /// <returns>The patterns firing, the most severe first, then by kind and scope.</returns>
    public IReadOnlyList<DetectedPattern> Evaluate(IErrorMonitor monitor, RequestCounts? requests = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        return Evaluate(monitor.GetSnapshot(new ErrorSnapshotFilter { Limit = ErrorDetectionConstants.SnapshotLimit }), requests);
    }

    /// <summary>Evaluates a snapshot taken now, once per evaluation interval: the windows' counts are as of the snapshot, first-seen times are compared with this clock's now.</summary>
    /// <param name="fingerprints">The fingerprints; every one that should count towards the error rate.</param>
    /// <param name="requests">Requests in the last 1 and 5 minutes, or <see langword="null"/> when unknown (no error-rate pattern then).</param>
    /// <returns>The patterns firing, the most severe first, then by kind and scope.</returns>
    public IReadOnlyList<DetectedPattern> Evaluate(IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, RequestCounts? requests = null)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        var now = _timeProvider.GetUtcNow();
        var found = new List<DetectedPattern>();

        // New since one interval ago, or since the previous evaluation when that was longer ago: an evaluation that comes
        // a little late must not leave a gap in which a new fingerprint is never reported.
        var from = now - _settings.EvaluationInterval;
        lock (_gate)
        {
            if (_lastEvaluatedAt is { } last && last < from)
            {
                from = last;
            }

            _lastEvaluatedAt = now;
        }

        if (_settings.NewErrorEnabled)
        {
            NewErrorRule.Evaluate(_settings, StartedAt, from, now, fingerprints, found);
        }

        if (_settings.RepeatedErrorEnabled)
        {
            RepeatedErrorRule.Evaluate(_settings, fingerprints, found);
        }

        if (_settings.ErrorRateEnabled && requests is { } counts)
        {
            ErrorRateRule.Evaluate(_settings, fingerprints, counts, found);
        }

        if (_settings.DegradationEnabled)
        {
            SystemDegradationRule.Evaluate(_settings, fingerprints, found);
        }

        lock (_gate)
        {
            if (_settings.AnomalyEnabled && requests is { } sample)
            {
                _anomaly.Evaluate(fingerprints, sample, found);
            }

            if (_settings.RecoveryFailureEnabled)
            {
                _recovery.Evaluate(now, fingerprints, found);
            }
        }

        found.Sort(static (a, b) =>
        {
            int order = b.Severity.CompareTo(a.Severity);
            order = order != 0 ? order : a.Kind.CompareTo(b.Kind);
            return order != 0 ? order : string.CompareOrdinal(a.Scope, b.Scope);
        });
        return found;
    }
}
