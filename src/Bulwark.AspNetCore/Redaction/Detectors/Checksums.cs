using System.Collections.Frozen;

namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>The check-digit algorithms that separate real card numbers and IBANs from other long numbers.</summary>
internal static class Checksums
{
    /// <summary>IBAN length by country (ISO 13616 registry).</summary>
    public static readonly FrozenDictionary<string, int> IbanLengths = new Dictionary<string, int>
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22,
        ["BH"] = 22, ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22,
        ["DK"] = 18, ["DO"] = 28, ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27,
        ["GB"] = 22, ["GE"] = 22, ["GI"] = 23, ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28,
        ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26, ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20,
        ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["MC"] = 27, ["MD"] = 24,
        ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18, ["NO"] = 15, ["PK"] = 24,
        ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24, ["SC"] = 31,
        ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23, ["TN"] = 24,
        ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether the digits pass the Luhn check.</summary>
    public static bool Luhn(ReadOnlySpan<char> digits)
    {
        int sum = 0;
        bool doubled = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i] - '0';
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>Whether a compact, upper-case IBAN passes the ISO 7064 mod-97 check.</summary>
    public static bool IbanMod97(ReadOnlySpan<char> iban)
    {
        if (iban.Length < 5)
        {
            return false;
        }

        int remainder = 0;
        for (int i = 0; i < iban.Length; i++)
        {
            // The first four characters (country, check digits) are moved to the end.
            char c = iban[(i + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    /// <summary>Whether the digits start like a card of this length from a real issuer (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro).</summary>
    public static bool HasCardPrefix(ReadOnlySpan<char> digits)
    {
        int length = digits.Length;
        int two = ((digits[0] - '0') * 10) + (digits[1] - '0');
        int four = (two * 100) + ((digits[2] - '0') * 10) + (digits[3] - '0');
        return digits[0] switch
        {
            '4' => length is 13 or 16 or 19,
            '2' => four is >= 2221 and <= 2720 && length == 16,
            '3' => two switch
            {
                34 or 37 => length == 15,
                30 or 36 or 38 or 39 => length is >= 14 and <= 19,
                35 => length is >= 16 and <= 19,
                _ => false,
            },
            '5' => two is >= 51 and <= 55 ? length == 16 : (two is 50 or (>= 56 and <= 58)) && length is >= 13 and <= 19,
            '6' => length is >= 16 and <= 19,
            _ => false,
        };
    }
}
