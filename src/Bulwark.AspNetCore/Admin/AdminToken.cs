using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Admin;

/// <summary>
/// The configured admin token, kept only as its SHA-256 hash. Comparing hashes (always 32 bytes) with
/// <see cref="CryptographicOperations.FixedTimeEquals"/> leaks neither the token's content nor its length through timing.
/// </summary>
internal sealed class AdminToken
{
    private const string Scheme = "Bearer ";
    private readonly byte[]? _hash;

    public AdminToken(IOptions<BulwarkAdminOptions> options)
    {
        var value = options.Value;
        var token = !string.IsNullOrEmpty(value.Token) ? value.Token
            : !string.IsNullOrEmpty(value.TokenFile) ? ReadFile(value.TokenFile)
            : null;
        _hash = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    public bool IsEnabled => _hash is not null;

    public static string ReadFile(string path) => File.ReadAllText(path).Trim();

    public bool Verify(string? authorization)
    {
        if (_hash is null || authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = authorization.AsSpan(Scheme.Length).Trim();
        var bytes = new byte[Encoding.UTF8.GetByteCount(presented)];
        Encoding.UTF8.GetBytes(presented, bytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return CryptographicOperations.FixedTimeEquals(hash, _hash);
    }
}
