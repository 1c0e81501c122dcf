using System.Text.RegularExpressions;

namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>A configured pattern: non-backtracking when the engine supports it, else backtracking with a timeout.</summary>
internal static class PatternDetector
{
    public static RegexDetector Create(string kind, string pattern)
    {
        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexDetector.Engine & ~RegexOptions.ExplicitCapture);
        }
        catch (NotSupportedException)
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, PiiRedactionConstants.CustomPatternTimeout);
        }

        return new RegexDetector(regex, kind, static _ => true);
    }
}
