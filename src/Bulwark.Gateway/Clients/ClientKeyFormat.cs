using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Clients;

/// <summary>
/// Gateway-issued keys: <c>bwk_</c> and 256 random bits in base64url (47 characters). Only the SHA-256 of the key is
/// stored: the key is random and long, so a plain hash cannot be reversed by guessing, and a keyed hash (a pepper) would
/// add a second secret to manage without protecting anything a 256-bit key does not already.
/// </summary>
internal static class ClientKeyFormat
{
    private const int RandomBytes = 32;

    /// <summary>The length of every issued key: the prefix and 43 base64url characters.</summary>
    public static readonly int Length = ClientsConstants.KeyPrefix.Length + 43;

    /// <summary>How many characters of a key are shown in lists (the prefix and 8 more): enough to tell keys apart, never to use one.</summary>
    public static readonly int ShownLength = ClientsConstants.KeyPrefix.Length + 8;

    public static string NewKey()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        return ClientsConstants.KeyPrefix + Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static string NewId()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return "key_" + Convert.ToHexStringLower(random);
    }

    /// <summary>Whether <paramref name="presented"/> has the shape of an issued key: anything else is refused without reading the store.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> presented)
    {
        if (presented.Length != Length || !presented.StartsWith(ClientsConstants.KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in presented[ClientsConstants.KeyPrefix.Length..])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The SHA-256 of the key's (ASCII) characters, as 64 upper-case hexadecimal characters: what the store keeps.</summary>
    public static string Hash(ReadOnlySpan<char> key)
    {
        Span<byte> bytes = stackalloc byte[Length];
        int count = Encoding.ASCII.GetBytes(key, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..count], hash);
        return Convert.ToHexString(hash);
    }
}
