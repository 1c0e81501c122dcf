namespace Bulwark.AspNetCore.Redaction;

/// <summary>Options of <see cref="PiiRedactor"/>.</summary>
public sealed class PiiRedactorOptions
{
    /// <summary>Gets or sets the built-in detectors to run.</summary>
    /// <value>The default is <see cref="PiiKinds.All"/>.</value>
    public PiiKinds Kinds { get; set; } = PiiKinds.All;

    /// <summary>
    /// Gets the header names whose values are redacted wherever they appear as <c>Name: value</c> or <c>Name=value</c>
    /// (case-insensitive). Add to it to protect more headers.
    /// </summary>
    /// <value>The default is <c>Authorization</c>, <c>Proxy-Authorization</c>, <c>Cookie</c>, <c>Set-Cookie</c>, <c>X-Api-Key</c>.</value>
    public IList<string> SensitiveHeaders { get; } = [.. PiiRedactionConstants.DefaultSensitiveHeaders];

    /// <summary>
    /// Gets extra patterns to redact, by kind: each match of the regular expression is written as <c>[REDACTED:kind]</c>.
    /// Patterns run on the non-backtracking engine when it supports them, otherwise with a 100 ms timeout per match (a
    /// string whose scan times out is replaced whole by <c>[REDACTED:unscannable]</c>).
    /// </summary>
    /// <value>The default is empty.</value>
    public IDictionary<string, string> Patterns { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the shortest token the high-entropy rule considers.</summary>
    /// <value>The default is 24; at least 16.</value>
    public int MinSecretLength { get; set; } = PiiRedactionConstants.DefaultMinSecretLength;

    /// <summary>Gets or sets the Shannon entropy, in bits per character, from which a long token counts as a secret.</summary>
    /// <value>The default is 4.0; between 1 and 6.</value>
    public double MinSecretEntropy { get; set; } = PiiRedactionConstants.DefaultMinSecretEntropy;
}
