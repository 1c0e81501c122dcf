using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>Tells a JWT from any other dotted string: its first segment is base64url JSON with an <c>alg</c> member.</summary>
internal static class JwtHeader
{
    private const int MaxHeaderChars = 2048;

    public static bool IsJwtHeader(ReadOnlySpan<char> segment)
    {
        if (segment.Length is 0 or > MaxHeaderChars || !Base64Url.IsValid(segment, out int byteCount))
        {
            return false;
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            if (!Base64Url.TryDecodeFromChars(segment, rented, out int written))
            {
                return false;
            }

            var reader = new Utf8JsonReader(rented.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("alg"u8))
                {
                    return true;
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
