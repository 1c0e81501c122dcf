namespace Bulwark.AspNetCore.Redaction;

/// <summary>Defaults of <see cref="PiiRedactorOptions"/>.</summary>
internal static class PiiRedactionConstants
{
    /// <summary>The headers whose values are never logged: <c>Authorization</c>, <c>Proxy-Authorization</c>, <c>Cookie</c>, <c>Set-Cookie</c>, <c>X-Api-Key</c>.</summary>
    public static readonly string[] DefaultSensitiveHeaders = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"];

    /// <summary>The default shortest token the high-entropy rule considers: 24 characters.</summary>
    public const int DefaultMinSecretLength = 24;

    /// <summary>The default Shannon entropy, in bits per character, from which a long token counts as a secret: 4.0.</summary>
    public const double DefaultMinSecretEntropy = 4.0;

    /// <summary>The timeout of each match of a configured pattern that the non-backtracking engine cannot run: 100 ms.</summary>
    public static readonly TimeSpan CustomPatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>What replaces a string whose scan timed out: the whole string, since nothing in it can be vouched for.</summary>
    public const string UnscannableKind = "unscannable";

    /// <summary>What a text becomes whole when a configured expression runs out of time on it.</summary>
    public const string UnscannableReplacement = "[REDACTED:" + UnscannableKind + "]";
}
