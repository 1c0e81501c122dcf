using System.Globalization;
using System.Text;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>The people-facing lines of the patterns: names and the normalized message, never a raw message.</summary>
internal static class PatternText
{
    public static string Describe(ErrorFingerprintSnapshot fingerprint)
    {
        var text = new StringBuilder(fingerprint.Type);
        var where = new List<string>(4);
        AddIfSet(where, fingerprint.Service);
        AddIfSet(where, fingerprint.Provider);
        AddIfSet(where, fingerprint.Route);
        if (fingerprint.StatusCode is { } status)
        {
            where.Add(status.ToString(CultureInfo.InvariantCulture));
        }

        if (where.Count > 0)
        {
            text.Append(" (").AppendJoin(' ', where).Append(')');
        }

        if (!string.IsNullOrEmpty(fingerprint.NormalizedMessage))
        {
            text.Append(": ").Append(fingerprint.NormalizedMessage);
        }

        return text.ToString();
    }

    public static string Percent(double rate) => (rate * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static void AddIfSet(List<string> parts, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add(value);
        }
    }
}
