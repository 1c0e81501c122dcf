namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>What one pass over the text found, so detectors that cannot match skip it.</summary>
internal readonly struct TextTraits
{
    public TextTraits(string text)
    {
        var span = text.AsSpan();
        HasDigit = span.IndexOfAnyInRange('0', '9') >= 0;
        HasAt = span.Contains('@');
        HasAssignment = span.IndexOfAny('=', ':') >= 0;
    }

    public bool HasDigit { get; }

    public bool HasAt { get; }

    /// <summary>Whether the text has <c>=</c> or <c>:</c>, which every key/value and header rule needs.</summary>
    public bool HasAssignment { get; }

    /// <summary>Whether nothing but the bearer rule and configured patterns can match.</summary>
    public bool IsPlain => !HasDigit && !HasAt && !HasAssignment;
}
