using System.Globalization;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>Fires for each fingerprint seen at least the threshold in its 5-minute window.</summary>
internal static class RepeatedErrorRule
{
    public static void Evaluate(DetectionSettings settings, IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, List<DetectedPattern> found)
    {
        foreach (var fingerprint in fingerprints)
        {
            if (fingerprint is null || fingerprint.Last5Minutes < settings.RepeatedThreshold)
            {
                continue;
            }

            found.Add(new DetectedPattern
            {
                Kind = DetectedPatternKind.RepeatedError,
                Fingerprint = fingerprint.Fingerprint,
                Provider = fingerprint.Provider,
                Route = fingerprint.Route,
                Scope = "fingerprint:" + fingerprint.Fingerprint,
                Severity = fingerprint.Severity,
                Value = fingerprint.Last5Minutes,
                Threshold = settings.RepeatedThreshold,
                Message = string.Create(CultureInfo.InvariantCulture, $"Repeated error {PatternText.Describe(fingerprint)}; {fingerprint.Last5Minutes} times in 5 minutes (threshold {settings.RepeatedThreshold})."),
            });
        }
    }
}
