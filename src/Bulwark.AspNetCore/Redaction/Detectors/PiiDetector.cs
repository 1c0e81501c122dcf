namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>Finds one kind of personal data or secret in a string.</summary>
internal abstract class PiiDetector
{
    /// <summary>Whether the detector can match text with these traits at all.</summary>
    public abstract bool Applies(in TextTraits traits);

    /// <summary>Adds every span to redact to <paramref name="sink"/>.</summary>
    public abstract void Detect(string text, ref PiiMatchSink sink);

    /// <summary>Builds what the detector builds on first use, so that the first text needing it does not wait.</summary>
    public virtual void WarmUp()
    {
    }

    protected static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    protected static bool WordCharBefore(string text, int index) => index > 0 && IsWordChar(text[index - 1]);

    protected static bool WordCharAt(string text, int index) => index < text.Length && IsWordChar(text[index]);
}
