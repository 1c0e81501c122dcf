using System.Globalization;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// Takes, at each evaluation, how many recoveries were attempted and how many failed since the previous one (the difference
/// of each fingerprint's totals), keeps 5 minutes of them, and fires when the failed share reaches the ratio over at least
/// the minimum of attempts.
/// </summary>
internal sealed class RecoveryFailureRule(DetectionSettings settings, DateTimeOffset startedAt)
{
    private readonly Dictionary<string, (long Attempted, long Succeeded)> _totals = new(StringComparer.Ordinal);
    private readonly Queue<(DateTimeOffset At, double Attempted, double Failed)> _window = new();
    private DateTimeOffset _previous = startedAt;

    public void Evaluate(DateTimeOffset now, IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, List<DetectedPattern> found)
    {
        double attempted = 0;
        double failed = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fingerprint in fingerprints)
        {
            if (fingerprint is null || !seen.Add(fingerprint.Fingerprint))
            {
                continue;
            }

            var current = (Attempted: Math.Max(0, fingerprint.RecoveryAttempted), Succeeded: Math.Max(0, fingerprint.RecoverySucceeded));

            // A fingerprint not known at the previous evaluation counts from zero only when it appeared since: one that was
            // there before the detector started (or before it was last read) has totals from before the window.
            var before = _totals.TryGetValue(fingerprint.Fingerprint, out var known) ? known
                : fingerprint.FirstSeen > _previous ? (0L, 0L)
                : current;
            long attemptedNow = Math.Max(0, current.Attempted - before.Item1);
            long succeededNow = Math.Max(0, current.Succeeded - before.Item2);
            attempted += attemptedNow;
            failed += Math.Max(0, attemptedNow - succeededNow);
            _totals[fingerprint.Fingerprint] = current;
        }

        // Forget fingerprints the monitor no longer reports (evicted), so the table stays as large as the snapshot.
        if (_totals.Count > seen.Count)
        {
            foreach (string gone in _totals.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _totals.Remove(gone);
            }
        }

        _previous = now;
        _window.Enqueue((now, attempted, failed));
        while (_window.Count > 0 && _window.Peek().At <= now - ErrorDetectionConstants.FiveMinutes)
        {
            _window.Dequeue();
        }

        double totalAttempted = 0;
        double totalFailed = 0;
        foreach (var (_, a, f) in _window)
        {
            totalAttempted += a;
            totalFailed += f;
        }

        if (totalAttempted < settings.RecoveryMinimumAttempts)
        {
            return;
        }

        double ratio = totalFailed / totalAttempted;
        if (ratio < settings.RecoveryFailureRatio)
        {
            return;
        }

        found.Add(new DetectedPattern
        {
            Kind = DetectedPatternKind.RecoveryFailure,
            Scope = "window:5m",
            Severity = ErrorSeverity.Error,
            Value = ratio,
            Threshold = settings.RecoveryFailureRatio,
            Message = string.Create(CultureInfo.InvariantCulture, $"Recovery failing: {PatternText.Percent(ratio)} of recoveries (retries, failover, fallback) failed in the last 5 minutes ({totalFailed} of {totalAttempted}; threshold {PatternText.Percent(settings.RecoveryFailureRatio)})."),
        });
    }
}
