using System.Text.RegularExpressions;

namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>
/// The built-in detectors, in priority order: when spans overlap, the kind of the earliest detector is written.
/// Self-identifying tokens (JWT, bearer, API keys) come first, then rules that redact a value by its context
/// (headers, secret keys, URL credentials), then personal data, and the high-entropy catch-all last.
/// </summary>
/// <remarks>
/// The expressions are built on first use (or by <see cref="PiiRedactorWarmUp"/> a second after the host has started): building
/// the eight non-backtracking automata took about 375 ms, on the start's critical path before, and most text never
/// needs one of them (<see cref="TextTraits"/> rules them out first).
/// </remarks>
internal static class BuiltInDetectors
{
    private static readonly Lazy<Regex> SecretAssignment = new(() => new Regex(
        @"\b[A-Za-z0-9_\-]*(password|passwd|secret|api[_\-]?key|access[_\-]?key|secret[_\-]?key|private[_\-]?key|access[_\-]?token|refresh[_\-]?token|id[_\-]?token|auth[_\-]?token|session[_\-]?id|token)""?[ \t]*[:=][ \t]*""?(?<v>[^\s""'&,;<>]+)",
        RegexDetector.Engine | RegexOptions.IgnoreCase));

    private static readonly Lazy<Regex> UrlCredentials = new(() => new Regex(
        @"\b[A-Za-z][A-Za-z0-9+.\-]*://(?<v>[^/\s:@]+:[^/\s@]+)@",
        RegexDetector.Engine));

    private static readonly Lazy<Regex> Jwt = new(() => new Regex(
        @"(?<h>[A-Za-z0-9_\-]{10,})\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*",
        RegexDetector.Engine));

    private static readonly Lazy<Regex> Bearer = new(() => new Regex(
        @"\bbearer[ \t]+(?<v>[A-Za-z0-9\-._~+/]+=*)",
        RegexDetector.Engine | RegexOptions.IgnoreCase));

    private static readonly Lazy<Regex> ApiKey = new(() => new Regex(
        @"\b(sk-[A-Za-z0-9_\-]{20,}|(sk|rk|pk)_(live|test)_[A-Za-z0-9]{16,}|gsk_[A-Za-z0-9]{20,}|(AKIA|ASIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}|xox[abposr]-[A-Za-z0-9\-]{10,}|AIza[A-Za-z0-9_\-]{35}|glpat-[A-Za-z0-9_\-]{20,})\b",
        RegexDetector.Engine));

    private static readonly Lazy<Regex> Email = new(() => new Regex(
        @"[A-Za-z0-9._%+\-]+(@|%40)[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
        RegexDetector.Engine));

    private static readonly Lazy<Regex> Ssn = new(() => new Regex(
        @"\b(?<v>\d{3}-\d{2}-\d{4})\b",
        RegexDetector.Engine));

    // International (+ and 10-15 digits, single separators), NANP with separators, and trunk-prefix national numbers.
    private static readonly Lazy<Regex> Phone = new(() => new Regex(
        @"\+\d{1,3}([ .\-]?(\(\d{1,4}\)|\d{1,4})){2,6}|(\([2-9]\d{2}\)[ ]?|\b[2-9]\d{2}[ .\-])[2-9]\d{2}[ .\-]\d{4}\b|\b0\d{2,4}[ \-]\d{3,4}[ \-]?\d{3,4}\b",
        RegexDetector.Engine));

    public static List<PiiDetector> Create(PiiRedactorOptions options)
    {
        var kinds = options.Kinds;
        var detectors = new List<PiiDetector>();
        if (kinds.HasFlag(PiiKinds.Jwt))
        {
            detectors.Add(new RegexDetector(Jwt, "jwt", static t => t.HasDigit && t.HasDot, static (text, m) =>
                !WordBoundaryBroken(text, m) && JwtHeader.IsJwtHeader(m.Groups["h"].ValueSpan)));
        }

        if (kinds.HasFlag(PiiKinds.Bearer))
        {
            detectors.Add(new RegexDetector(Bearer, "bearer", static t => t.HasBearer, static (_, m) => IsBearerToken(m.Groups["v"].ValueSpan)));
        }

        if (kinds.HasFlag(PiiKinds.ApiKey))
        {
            detectors.Add(new RegexDetector(ApiKey, "api_key", static t => t.HasDigit && (t.HasDash || t.HasUnderscore || t.HasUpperA)));
        }

        if (kinds.HasFlag(PiiKinds.SensitiveHeader) && options.SensitiveHeaders.Count > 0)
        {
            string names = string.Join('|', options.SensitiveHeaders.Select(Regex.Escape));
            var headers = new Lazy<Regex>(() => new Regex($@"\b({names})""?[ \t]*[:=][ \t]*""?(?<v>[^""'\r\n]+)", RegexDetector.Engine | RegexOptions.IgnoreCase));
            detectors.Add(new RegexDetector(headers, "header", static t => t.HasAssignment));
        }

        if (kinds.HasFlag(PiiKinds.SecretAssignment))
        {
            detectors.Add(new RegexDetector(SecretAssignment, "secret", static t => t.HasAssignment, static (_, m) => !IsPlaceholder(m.Groups["v"].ValueSpan)));
        }

        if (kinds.HasFlag(PiiKinds.UrlCredentials))
        {
            detectors.Add(new RegexDetector(UrlCredentials, "credentials", static t => t.HasAt && t.HasAssignment));
        }

        if (kinds.HasFlag(PiiKinds.Email))
        {
            detectors.Add(new RegexDetector(Email, "email", static t => t.HasAt || (t.HasDigit && t.HasPercent)));
        }

        if (kinds.HasFlag(PiiKinds.Iban))
        {
            detectors.Add(new IbanDetector());
        }

        if (kinds.HasFlag(PiiKinds.Card))
        {
            detectors.Add(new CardDetector());
        }

        if (kinds.HasFlag(PiiKinds.Ssn))
        {
            detectors.Add(new RegexDetector(Ssn, "ssn", static t => t.HasDigit && t.HasDash, static (text, m) => IsIssuableSsn(m.ValueSpan) && !GluedToNumber(text, m)));
        }

        if (kinds.HasFlag(PiiKinds.Phone))
        {
            detectors.Add(new RegexDetector(Phone, "phone", static t => t.HasDigit && t.HasPhoneMark, static (text, m) => IsPhone(text, m)));
        }

        return detectors;
    }

    /// <summary>Whether <c>###-##-####</c> is in a range the SSA issues: area not 000, 666 or 9xx; group not 00; serial not 0000.</summary>
    public static bool IsIssuableSsn(ReadOnlySpan<char> ssn)
    {
        var area = ssn[..3];
        var group = ssn.Slice(4, 2);
        var serial = ssn.Slice(7, 4);
        return area is not "000" and not "666" && area[0] != '9' && group is not "00" && serial is not "0000";
    }

    /// <summary>Values that stand for no secret (<c>PublicKeyToken=null</c>, <c>password=***</c>).</summary>
    private static bool IsPlaceholder(ReadOnlySpan<char> value) =>
        value.Equals("null", StringComparison.OrdinalIgnoreCase) || value.Equals("none", StringComparison.OrdinalIgnoreCase) ||
        value.Equals("undefined", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase) ||
        value.Equals("false", StringComparison.OrdinalIgnoreCase) || !value.ContainsAnyExcept('*') || value.StartsWith("[REDACTED:");

    /// <summary>Long enough and not a plain word, so that "Bearer authentication failed" keeps its word.</summary>
    private static bool IsBearerToken(ReadOnlySpan<char> token)
    {
        if (token.Length >= 24)
        {
            return true;
        }

        if (token.Length < 16)
        {
            return false;
        }

        foreach (char c in token)
        {
            if (!char.IsAsciiLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    private static bool WordBoundaryBroken(string text, Match m) =>
        (m.Index > 0 && (char.IsAsciiLetterOrDigit(text[m.Index - 1]) || text[m.Index - 1] is '_' or '-' or '.')) ||
        (m.Index + m.Length < text.Length && text[m.Index + m.Length] == '.');

    /// <summary>A dashed number inside a longer dashed number (<c>2026-123-45-6789</c>) is an id, not an SSN.</summary>
    private static bool GluedToNumber(string text, Match m)
    {
        int before = m.Index - 1;
        int after = m.Index + m.Length;
        return (before > 0 && text[before] is '-' or '.' or '/' && char.IsAsciiLetterOrDigit(text[before - 1])) ||
            (after + 1 < text.Length && text[after] is '-' or '.' && char.IsAsciiDigit(text[after + 1]));
    }

    private static bool IsPhone(string text, Match m)
    {
        var value = m.ValueSpan.TrimEnd(" .-(");
        int digits = 0;
        foreach (char c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        if (digits is < 10 or > 15)
        {
            return false;
        }

        // Not the tail of an id, a version or a dotted/dashed number (ORD-415-555-0134, 1.212.555.0134).
        int before = m.Index - 1;
        if (before >= 0)
        {
            char c = text[before];
            bool glued = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' || (c == '/' && m.ValueSpan[0] != '+');
            if (glued)
            {
                return false;
            }
        }

        int after = m.Index + m.Length;
        return after >= text.Length ||
            !(char.IsAsciiLetterOrDigit(text[after]) || (text[after] is '.' or '-' && after + 1 < text.Length && char.IsAsciiDigit(text[after + 1])));
    }
}
