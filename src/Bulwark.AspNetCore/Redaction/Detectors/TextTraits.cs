namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>
/// What a few vectorized searches over the text found, so detectors that cannot match skip it. Each trait is a
/// character (or word) that every match of some rule contains; a rule whose characters are absent is not run. Most
/// strings of a request log line (paths, generated correlation ids, trace ids) then run no regular expression at all.
/// </summary>
internal readonly struct TextTraits
{
    public TextTraits(string text)
    {
        var span = text.AsSpan();
        HasDigit = span.IndexOfAnyInRange('0', '9') >= 0;
        HasAt = span.Contains('@');
        HasAssignment = span.IndexOfAny('=', ':') >= 0;
        HasDot = span.Contains('.');
        HasDash = span.Contains('-');
        HasUnderscore = span.Contains('_');
        HasPercent = span.Contains('%');
        HasUpperA = span.Contains('A');
        HasPhoneMark = span.IndexOfAny("+( .-") >= 0;
        // The case-insensitive word search is the dearest of these: only text with a 'b' in either case can hold it.
        HasBearer = span.IndexOfAny('b', 'B') >= 0 && span.Contains("bearer", StringComparison.OrdinalIgnoreCase);
    }

    public bool HasDigit { get; }

    public bool HasAt { get; }

    /// <summary>Whether the text has <c>=</c> or <c>:</c>, which every key/value and header rule needs.</summary>
    public bool HasAssignment { get; }

    /// <summary>Whether the text has <c>.</c>, which a JWT needs between its parts.</summary>
    public bool HasDot { get; }

    /// <summary>Whether the text has <c>-</c> (SSNs, several API key prefixes).</summary>
    public bool HasDash { get; }

    /// <summary>Whether the text has <c>_</c> (several API key prefixes).</summary>
    public bool HasUnderscore { get; }

    /// <summary>Whether the text has <c>%</c>, which an e-mail address without <c>@</c> needs (<c>%40</c>).</summary>
    public bool HasPercent { get; }

    /// <summary>Whether the text has <c>A</c>, which the API key prefixes without <c>-</c> or <c>_</c> have (<c>AKIA</c>, <c>ASIA</c>, <c>AIza</c>).</summary>
    public bool HasUpperA { get; }

    /// <summary>Whether the text has one of <c>+ ( . -</c> or a space, one of which every phone number rule needs.</summary>
    public bool HasPhoneMark { get; }

    /// <summary>Whether the text has the word <c>bearer</c> in any case.</summary>
    public bool HasBearer { get; }
}
