using System.Globalization;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>Fires when enough distinct fingerprints of severity Error or above were each seen the minimum of times in 5 minutes.</summary>
internal static class SystemDegradationRule
{
    private const int Named = 5;

    public static void Evaluate(DetectionSettings settings, IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, List<DetectedPattern> found)
    {
        var active = new List<ErrorFingerprintSnapshot>();
        foreach (var fingerprint in fingerprints)
        {
            if (fingerprint is { Severity: >= ErrorSeverity.Error } && fingerprint.Last5Minutes >= settings.DegradationMinimumOccurrences)
            {
                active.Add(fingerprint);
            }
        }

        if (active.Count < settings.DegradationFingerprints)
        {
            return;
        }

        active.Sort(static (a, b) => b.Last5Minutes.CompareTo(a.Last5Minutes));
        string names = string.Join("; ", active.Take(Named).Select(static f => PatternText.Describe(f)));
        found.Add(new DetectedPattern
        {
            Kind = DetectedPatternKind.SystemDegradation,
            Scope = "window:5m",
            Severity = ErrorSeverity.Critical,
            Value = active.Count,
            Threshold = settings.DegradationFingerprints,
            Message = string.Create(CultureInfo.InvariantCulture, $"System degradation: {active.Count} distinct errors each seen at least {settings.DegradationMinimumOccurrences} times in 5 minutes (threshold {settings.DegradationFingerprints}): {names}{(active.Count > Named ? "; ..." : string.Empty)}."),
        });
    }
}
