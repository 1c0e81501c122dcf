using System.Text;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// How Kestrel is made to keep every field a request's <c>Connection</c> header names. When the only option Kestrel
/// recognises in the header (over all its lines) is one of <c>keep-alive</c>, <c>close</c> or <c>upgrade</c>, Kestrel
/// replaces the whole header with that word — <c>Connection: keep-alive, X-Secret-Hop</c> became <c>keep-alive</c> —
/// and the gateway could no longer remove <c>X-Secret-Hop</c> as RFC 9110 7.6.1 requires. A line that names other
/// fields is decoded with <c>close, keep-alive</c> added: two options, so Kestrel leaves the header whole whatever the
/// other lines say, and the connection is closed after the response (close wins). Naming fields in Connection is rare;
/// such a client loses connection reuse, never a header's removal. A line of options only is decoded as it is.
/// </summary>
internal sealed class ConnectionTokensEncoding : Encoding
{
    public static readonly ConnectionTokensEncoding Instance = new();

    private static readonly Encoding Inner = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private const string KeepWhole = "close, keep-alive";

    private static readonly string[] ConnectionOptions = ["keep-alive", "close", "upgrade"];

    public override int GetByteCount(char[] chars, int index, int count) => Inner.GetByteCount(chars, index, count);

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        Inner.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    public override int GetCharCount(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count)).Length;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        string decoded = Decode(bytes.AsSpan(byteIndex, byteCount));
        decoded.CopyTo(chars.AsSpan(charIndex));
        return decoded.Length;
    }

    public override int GetMaxByteCount(int charCount) => Inner.GetMaxByteCount(charCount);

    public override int GetMaxCharCount(int byteCount) => Inner.GetMaxCharCount(byteCount) + 2 + KeepWhole.Length;

    /// <summary>The header line, with <c>close, keep-alive</c> added when it names other fields.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        string value = Inner.GetString(bytes);
        var elements = value.Split(',');
        bool namesFields = false;
        foreach (var element in elements)
        {
            var token = element.AsSpan().Trim(" \t");
            if (!token.IsEmpty && !IsConnectionOption(token))
            {
                namesFields = true;
                break;
            }
        }

        return namesFields ? value + ", " + KeepWhole : value;
    }

    private static bool IsConnectionOption(ReadOnlySpan<char> token)
    {
        foreach (var option in ConnectionOptions)
        {
            if (token.Equals(option, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
