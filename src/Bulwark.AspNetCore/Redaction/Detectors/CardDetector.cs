namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>
/// Card numbers: a run of 13 to 19 digits, optionally grouped by single spaces or dashes (one kind of separator), that
/// stands alone (no letter, digit, <c>_</c>, <c>.</c> or <c>+</c> glued to it), starts with a real issuer prefix and
/// passes Luhn. The prefix rule keeps epoch-millisecond timestamps and most ids out: they pass Luhn one time in ten.
/// </summary>
internal sealed class CardDetector : PiiDetector
{
    private const int MinDigits = 13;
    private const int MaxDigits = 19;

    public override bool Applies(in TextTraits traits) => traits.HasDigit;

    public override void Detect(string text, ref PiiMatchSink sink)
    {
        Span<char> digits = stackalloc char[MaxDigits];
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }

            int start = i;
            int count = 0;
            char separator = '\0';
            bool tooLong = false;
            int end = i;
            while (i < text.Length)
            {
                char c = text[i];
                if (char.IsAsciiDigit(c))
                {
                    if (count >= MaxDigits)
                    {
                        tooLong = true;
                    }
                    else
                    {
                        digits[count] = c;
                    }

                    count++;
                    i++;
                    end = i;
                }
                else if ((c == ' ' || c == '-') && (separator == '\0' || separator == c) && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
                {
                    separator = c;
                    i++;
                }
                else
                {
                    break;
                }
            }

            if (tooLong || count < MinDigits || !StandsAlone(text, start, end))
            {
                continue;
            }

            var span = digits[..count];
            if (Checksums.HasCardPrefix(span) && Checksums.Luhn(span))
            {
                sink.Add(start, end, "card");
            }
        }
    }

    private static bool StandsAlone(string text, int start, int end)
    {
        if (start > 0)
        {
            char before = text[start - 1];
            if (IsWordChar(before) || (before is '.' or '+' or '-' or '/' && start > 1 && char.IsAsciiDigit(text[start - 2])))
            {
                return false;
            }
        }

        if (end < text.Length)
        {
            char after = text[end];
            if (IsWordChar(after) || (after is '.' or ',' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])))
            {
                return false;
            }
        }

        return true;
    }
}
