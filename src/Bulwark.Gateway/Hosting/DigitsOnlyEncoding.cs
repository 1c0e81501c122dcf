using System.Text;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// How Kestrel is made to read <c>Content-Length</c> as RFC 9110 8.6 defines it, <c>1*DIGIT</c>: Kestrel's own parser
/// takes <c>+3</c> for 3, so a signed length framed the body instead of being refused. Every byte other than a digit
/// decodes to a character no number contains, and Kestrel refuses the value with its 400 before the request reaches
/// the gateway. Used for that one header only.
/// </summary>
internal sealed class DigitsOnlyEncoding : Encoding
{
    public static readonly DigitsOnlyEncoding Instance = new();

    private const char NotADigit = 'x';

    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
    {
        for (int i = 0; i < charCount; i++)
        {
            bytes[byteIndex + i] = (byte)(char.IsAsciiDigit(chars[charIndex + i]) ? chars[charIndex + i] : NotADigit);
        }

        return charCount;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => count;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));

    /// <summary>
    /// Kestrel decodes into 20 characters and refuses more than 19 (a value beyond <see cref="long.MaxValue"/>):
    /// what does not fit is not written, and the count returned says it was too long.
    /// </summary>
    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        int written = Math.Min(bytes.Length, chars.Length);
        for (int i = 0; i < written; i++)
        {
            chars[i] = char.IsAsciiDigit((char)bytes[i]) ? (char)bytes[i] : NotADigit;
        }

        return written;
    }

    public override int GetMaxByteCount(int charCount) => charCount;

    public override int GetMaxCharCount(int byteCount) => byteCount;
}
