using System.Globalization;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// Fires for each fingerprint first seen in (from, now] — from being one interval ago, or the previous evaluation when
/// that was longer ago — once the warm-up after the start is over.
/// </summary>
internal static class NewErrorRule
{
    public static void Evaluate(DetectionSettings settings, DateTimeOffset startedAt, DateTimeOffset from, DateTimeOffset now, IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, List<DetectedPattern> found)
    {
        var warmUpEnd = startedAt + settings.WarmUp;
        foreach (var fingerprint in fingerprints)
        {
            // A fingerprint first seen during the warm-up is not new, even when the evaluation comes after it: the monitor
            // had not seen enough yet to know.
            if (fingerprint is null || fingerprint.FirstSeen <= from || fingerprint.FirstSeen > now || fingerprint.FirstSeen < warmUpEnd)
            {
                continue;
            }

            found.Add(new DetectedPattern
            {
                Kind = DetectedPatternKind.NewError,
                Fingerprint = fingerprint.Fingerprint,
                Provider = fingerprint.Provider,
                Route = fingerprint.Route,
                Scope = "fingerprint:" + fingerprint.Fingerprint,
                Severity = fingerprint.Severity,
                Value = fingerprint.Count,
                Threshold = 0,
                Message = string.Create(CultureInfo.InvariantCulture, $"New error {PatternText.Describe(fingerprint)}; first seen {fingerprint.FirstSeen:O}, {fingerprint.Count} since."),
            });
        }
    }
}
