using System.Text;
using System.Text.RegularExpressions;

namespace Bulwark.ErrorMonitoring;

/// <summary>
/// Reduces an error message to its shape, so that occurrences of one error share a fingerprint: quoted values
/// (<c>'…'</c>, <c>"…"</c>), URLs' query values, emails, UUIDs, IP addresses, hexadecimal ids (8 or more hex digits with
/// at least one digit and one letter, or <c>0x…</c>) and numbers of any length are masked (<c>&lt;q&gt;</c>, <c>&lt;v&gt;</c>, <c>&lt;email&gt;</c>,
/// <c>&lt;uuid&gt;</c>, <c>&lt;ip&gt;</c>, <c>&lt;hex&gt;</c>, <c>&lt;n&gt;</c>) and runs of white space become one space.
/// </summary>
/// <remarks>
/// Idempotent; never throws; reads at most the first 4,096 characters and returns at most 512. Every rule runs in time
/// linear in the input (no pattern can backtrack more than a bounded amount), with a timeout as a last guard.
/// </remarks>
public static partial class MessageNormalizer
{
    private const string Unreadable = "<unreadable>";

    // Passes over a cut text until it is stable: one or two in practice (only its last token can change).
    private const int MaxPasses = 8;

    /// <summary>Gets the longest normalized message, in characters: 512.</summary>
    public static int MaxLength => ErrorMonitoringConstants.MaxNormalizedLength;

    /// <summary>Returns the shape of <paramref name="message"/>; an empty string for <see langword="null"/> or white space.</summary>
    /// <param name="message">The message, as thrown or reported.</param>
    /// <returns>The normalized message, at most <see cref="MaxLength"/> characters.</returns>
    public static string Normalize(string? message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return string.Empty;
        }

        try
        {
            // White space first: a quoted value or an address that spans a line break is then matched as one.
            string text = Mask(Collapse(message.Length > ErrorMonitoringConstants.MaxMessageInput ? message[..ErrorMonitoringConstants.MaxMessageInput] : message));
            string result = Cut(text);

            // A cut can leave a token a rule matches anew (an address cut to "::E", masked as <ip> the next time): the
            // cut text is masked again until nothing changes, so that normalizing the result gives the result.
            for (int pass = 0; pass < MaxPasses && !ReferenceEquals(result, text); pass++)
            {
                text = Mask(result);
                if (string.Equals(text, result, StringComparison.Ordinal))
                {
                    break;
                }

                result = Cut(text);
            }

            return result;
        }
        catch (RegexMatchTimeoutException)
        {
            return Unreadable;
        }
    }

    /// <summary>The masking rules, in order (each sees what the ones before it left).</summary>
    private static string Mask(string text)
    {
        text = DoubleQuoted().Replace(text, "\"<q>\"");
        text = SingleQuoted().Replace(text, "'<q>'");
        text = QueryValue().Replace(text, "$1<v>");
        text = Email().Replace(text, "<email>");
        text = Uuid().Replace(text, "<uuid>");
        text = IPv4().Replace(text, "<ip>");
        text = IPv6().Replace(text, static m => m.Value.Contains("::", StringComparison.Ordinal) || CountOf(m.Value, ':') >= 4 ? "<ip>" : m.Value);
        // A run of decimal digits is a number however long (an id of 7 digits and one of 9 are one error).
        text = Hex().Replace(text, static m => !m.Value.AsSpan().ContainsAnyExceptInRange('0', '9') ? "<n>"
            : m.Value.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || HasDigit(m.Value) ? "<hex>" : m.Value);
        return Number().Replace(text, "<n>");
    }

    /// <summary>Runs of white space and control characters as one space, trimmed.</summary>
    private static string Collapse(string text)
    {
        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Cut to <see cref="MaxLength"/>, never inside a mask's brackets (a half mask could be matched again), trimmed.</summary>
    private static string Cut(string text)
    {
        if (text.Length <= ErrorMonitoringConstants.MaxNormalizedLength)
        {
            return text;
        }

        var cut = text.AsSpan(0, ErrorMonitoringConstants.MaxNormalizedLength);
        int open = cut.LastIndexOf('<');
        if (open >= 0 && open > cut.LastIndexOf('>') && cut.Length - open <= "<email>".Length)
        {
            cut = cut[..open];
        }

        return cut.TrimEnd().ToString();
    }

    private static bool HasDigit(string value)
    {
        foreach (char c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    private static int CountOf(string value, char wanted)
    {
        int count = 0;
        foreach (char c in value)
        {
            if (c == wanted)
            {
                count++;
            }
        }

        return count;
    }

    [GeneratedRegex("\"[^\"]*\"", RegexOptions.CultureInvariant, 250)]
    private static partial Regex DoubleQuoted();

    // An opening quote after a letter is an apostrophe (can't, provider's), not a quoted value.
    [GeneratedRegex("(?<![A-Za-z])'[^']*'", RegexOptions.CultureInvariant, 250)]
    private static partial Regex SingleQuoted();

    [GeneratedRegex("([?&][^\\s=&#?]{1,128}=)[^\\s&#]+", RegexOptions.CultureInvariant, 250)]
    private static partial Regex QueryValue();

    [GeneratedRegex("[A-Za-z0-9._%+-]{1,256}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Email();

    [GeneratedRegex("\\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\\b", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Uuid();

    [GeneratedRegex("\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d{1,5})?\\b", RegexOptions.CultureInvariant, 250)]
    private static partial Regex IPv4();

    [GeneratedRegex("(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{1,4}(?![0-9A-Za-z:])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex IPv6();

    [GeneratedRegex("\\b(?:0[xX][0-9A-Fa-f]{1,64}|[0-9A-Fa-f]{8,128})\\b", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Hex();

    [GeneratedRegex("\\d+(?:[.,]\\d+)*", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Number();
}
