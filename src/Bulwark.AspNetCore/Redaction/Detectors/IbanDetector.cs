namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>
/// IBANs: a known country code, two check digits, then exactly that country's length of letters and digits, compact
/// or in groups separated by single spaces, standing alone and passing mod-97. Lower case is accepted (URLs).
/// </summary>
internal sealed class IbanDetector : PiiDetector
{
    private const int MaxLength = 34;

    public override bool Applies(in TextTraits traits) => traits.HasDigit;

    public override void Detect(string text, ref PiiMatchSink sink)
    {
        Span<char> compact = stackalloc char[MaxLength];
        for (int i = 0; i + 4 <= text.Length; i++)
        {
            if (!char.IsAsciiLetter(text[i]) || !char.IsAsciiLetter(text[i + 1]) || !char.IsAsciiDigit(text[i + 2]) || !char.IsAsciiDigit(text[i + 3]) || WordCharBefore(text, i))
            {
                continue;
            }

            Span<char> country = [char.ToUpperInvariant(text[i]), char.ToUpperInvariant(text[i + 1])];
            if (!Checksums.IbanLengths.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(country, out int length))
            {
                continue;
            }

            int count = 0;
            int j = i;
            while (j < text.Length && count < length)
            {
                char c = text[j];
                if (char.IsAsciiLetterOrDigit(c))
                {
                    compact[count++] = char.ToUpperInvariant(c);
                    j++;
                }
                else if (c == ' ' && count > 0 && j + 1 < text.Length && char.IsAsciiLetterOrDigit(text[j + 1]))
                {
                    j++;
                }
                else
                {
                    break;
                }
            }

            if (count == length && !WordCharAt(text, j) && Checksums.IbanMod97(compact[..count]))
            {
                sink.Add(i, j, "iban");
                i = j - 1;
            }
        }
    }
}
