using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.ErrorMonitoring;

/// <summary>
/// The stable id of a group of errors: the first 8 bytes of the SHA-256 of the error's type, service, provider, route,
/// status code and normalized message (<see cref="MessageNormalizer"/>), as 16 lower-case hexadecimal characters. The
/// same inputs give the same fingerprint in every process and version of Bulwark that keeps this scheme.
/// </summary>
public static class ErrorFingerprint
{
    /// <summary>Computes the fingerprint.</summary>
    /// <param name="type">The error's type (an exception's full type name, an outcome's name).</param>
    /// <param name="normalizedMessage">The message, already normalized by <see cref="MessageNormalizer.Normalize(string?)"/>.</param>
    /// <param name="context">Where it happened; <see cref="ErrorContext.Attributes"/> are not part of the fingerprint.</param>
    /// <returns>16 lower-case hexadecimal characters.</returns>
    public static string Compute(string type, string normalizedMessage, ErrorContext context)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(normalizedMessage);
        ArgumentNullException.ThrowIfNull(context);
        string status = context.StatusCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : string.Empty;

        // Joined by a unit separator, which the normalizer turns into a space and the monitor replaces in names, so that two
        // different tuples do not join to the same text.
        string joined = string.Join('\u001f', type, context.Service ?? string.Empty, context.Provider ?? string.Empty, context.Route ?? string.Empty, status, normalizedMessage);
        int byteCount = Encoding.UTF8.GetByteCount(joined);
        byte[]? rented = byteCount > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(byteCount) : null;
        Span<byte> bytes = rented ?? stackalloc byte[byteCount];
        try
        {
            int written = Encoding.UTF8.GetBytes(joined, bytes);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..written], hash);
            return Convert.ToHexStringLower(hash[..8]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
