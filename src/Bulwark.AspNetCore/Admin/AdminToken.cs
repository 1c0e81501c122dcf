using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Admin;

/// <summary>
/// The configured admin token (<see cref="BulwarkAdminOptions"/>), kept only as its SHA-256 hash; registered by
/// <c>AddBulwarkAdmin</c>. Comparing hashes (always 32 bytes) with <see cref="CryptographicOperations.FixedTimeEquals"/>
/// leaks neither the token's content nor its length through timing. An application page that signs in with the admin
/// token (an operator page with its own cookie, say) checks it here and signs what it issues with <see cref="DeriveKey"/>.
/// </summary>
public sealed class AdminToken
{
    private const string Scheme = "Bearer ";
    private readonly byte[]? _hash;

    /// <summary>Initializes a new instance of the <see cref="AdminToken"/> class from the admin options (reading <see cref="BulwarkAdminOptions.TokenFile"/> once).</summary>
    /// <param name="options">The admin options.</param>
    public AdminToken(IOptions<BulwarkAdminOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var token = !string.IsNullOrEmpty(value.Token) ? value.Token
            : !string.IsNullOrEmpty(value.TokenFile) ? ReadFile(value.TokenFile)
            : null;
        _hash = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>Gets a value indicating whether a token is configured (the admin API is enabled).</summary>
    public bool IsEnabled => _hash is not null;

    /// <summary>Checks an <c>Authorization</c> header value of the form <c>Bearer &lt;token&gt;</c>, in constant time.</summary>
    /// <param name="authorization">The header's value; <see langword="null"/> is refused.</param>
    /// <returns><see langword="true"/> when a token is configured and the header carries it.</returns>
    public bool Verify(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return VerifyToken(authorization.AsSpan(Scheme.Length).Trim());
    }

    /// <summary>Checks a token as the operator typed it (surrounding whitespace ignored), in constant time.</summary>
    /// <param name="token">The presented token.</param>
    /// <returns><see langword="true"/> when a token is configured and <paramref name="token"/> is it.</returns>
    public bool VerifyToken(ReadOnlySpan<char> token)
    {
        if (_hash is null)
        {
            return false;
        }

        token = token.Trim();
        var bytes = new byte[Encoding.UTF8.GetByteCount(token)];
        Encoding.UTF8.GetBytes(token, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }

    /// <summary>
    /// Derives a 32-byte key for one purpose from the token (HMAC-SHA256 keyed by the token's hash over
    /// <paramref name="purpose"/>), to sign what a page issues after a sign-in (a session cookie, an anti-forgery token).
    /// The key changes when the token does, so rotating the token ends everything signed with the old one; it reveals
    /// nothing of the token, and different purposes give unrelated keys.
    /// </summary>
    /// <param name="purpose">What the key signs, for example <c>bulwark-dashboard-session</c>; not empty.</param>
    /// <returns>A new array holding the key.</returns>
    /// <exception cref="InvalidOperationException">No token is configured (<see cref="IsEnabled"/> is <see langword="false"/>).</exception>
    public byte[] DeriveKey(string purpose)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        if (_hash is null)
        {
            throw new InvalidOperationException("No admin token is configured: there is nothing to derive a key from.");
        }

        return HMACSHA256.HashData(_hash, Encoding.UTF8.GetBytes(purpose));
    }

    internal static string ReadFile(string path) => File.ReadAllText(path).Trim();
}
