using System.Globalization;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// Fires for the 1-minute and for the 5-minute window when errors over requests reach the high or the critical rate and
/// the window saw at least the minimum of requests. The 1-minute window reacts first; the 5-minute one holds steadier.
/// </summary>
internal static class ErrorRateRule
{
    public static void Evaluate(DetectionSettings settings, IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, RequestCounts requests, List<DetectedPattern> found)
    {
        // Summed as doubles: counts from a snapshot are not trusted to stay clear of overflow.
        double minute = 0;
        double five = 0;
        foreach (var fingerprint in fingerprints)
        {
            if (fingerprint is not null)
            {
                minute += Math.Max(0, fingerprint.LastMinute);
                five += Math.Max(0, fingerprint.Last5Minutes);
            }
        }

        Judge(settings, "1m", "1 minute", minute, requests.LastMinute, found);
        Judge(settings, "5m", "5 minutes", five, requests.Last5Minutes, found);
    }

    private static void Judge(DetectionSettings settings, string window, string windowText, double errors, long requests, List<DetectedPattern> found)
    {
        if (requests < settings.MinimumRequests)
        {
            return;
        }

        double rate = errors / requests;
        bool critical = rate >= settings.CriticalRate;
        if (!critical && rate < settings.HighRate)
        {
            return;
        }

        double threshold = critical ? settings.CriticalRate : settings.HighRate;
        found.Add(new DetectedPattern
        {
            Kind = critical ? DetectedPatternKind.ErrorRateCritical : DetectedPatternKind.ErrorRateHigh,
            Scope = "window:" + window,
            Severity = critical ? ErrorSeverity.Critical : ErrorSeverity.Error,
            Value = rate,
            Threshold = threshold,
            Message = string.Create(CultureInfo.InvariantCulture, $"Error rate {(critical ? "critical" : "high")}: {PatternText.Percent(rate)} in the last {windowText} ({errors} errors in {requests} requests; threshold {PatternText.Percent(threshold)})."),
        });
    }
}
