using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bulwark.AspNetCore.Admin;

namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// Sign-ins to the operator page. Signing in takes the admin token (checked in constant time by <see cref="AdminToken"/>)
/// and gives a cookie value that is not the token: <c>v1.{issued}.{nonce}.{mac}</c>, the MAC an HMAC-SHA256 under a key
/// derived from the token. So the server keeps nothing per session, a restart does not sign anyone out, a stolen cookie
/// never reveals the token, and changing the token ends every session. A session lasts
/// <see cref="DashboardConstants.SessionLifetime"/>; signing out revokes its nonce (in memory, until it would have expired).
/// </summary>
internal sealed class DashboardSessions(AdminToken token, TimeProvider time)
{
    private const string Version = "v1";
    private const int NonceBytes = 16;
    private const int MaxRevoked = 10_000;

    private readonly Lazy<byte[]> _sessionKey = new(() => token.DeriveKey("bulwark-dashboard-session"));
    private readonly Lazy<byte[]> _csrfKey = new(() => token.DeriveKey("bulwark-dashboard-csrf"));
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether the page is on: an admin token is configured.</summary>
    public bool IsEnabled => token.IsEnabled;

    /// <summary>Checks the presented token; on success gives the new session's cookie value.</summary>
    public bool TrySignIn(ReadOnlySpan<char> presented, out string cookieValue)
    {
        cookieValue = string.Empty;
        if (!token.VerifyToken(presented))
        {
            return false;
        }

        long issued = time.GetUtcNow().ToUnixTimeSeconds();
        string nonce = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(NonceBytes));
        string payload = string.Create(CultureInfo.InvariantCulture, $"{Version}.{issued}.{nonce}");
        cookieValue = payload + "." + Base64Url.EncodeToString(Mac(_sessionKey.Value, payload));
        return true;
    }

    /// <summary>Reads a cookie value: the session if it is well formed, signed with the current token, not expired and not revoked.</summary>
    public DashboardSession? Read(string? cookieValue)
    {
        if (!IsEnabled || string.IsNullOrEmpty(cookieValue) || cookieValue.Length > 256)
        {
            return null;
        }

        var parts = cookieValue.Split('.');
        if (parts.Length != 4 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long issued)
            || !Base64Url.IsValid(parts[2]) || !Base64Url.IsValid(parts[3]))
        {
            return null;
        }

        byte[] presented = Base64Url.DecodeFromChars(parts[3]);
        byte[] expected = Mac(_sessionKey.Value, cookieValue[..cookieValue.LastIndexOf('.')]);
        if (!CryptographicOperations.FixedTimeEquals(presented, expected))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Min(issued, DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 1));
        if (issuedAt > now + TimeSpan.FromMinutes(1) || now - issuedAt >= DashboardConstants.SessionLifetime)
        {
            return null;
        }

        return _revoked.ContainsKey(parts[2]) ? null : new DashboardSession(parts[2], issuedAt);
    }

    /// <summary>Ends a session before its time (signing out).</summary>
    public void Revoke(DashboardSession session)
    {
        var now = time.GetUtcNow();
        if (_revoked.Count >= MaxRevoked)
        {
            foreach (var (nonce, expires) in _revoked)
            {
                if (expires <= now)
                {
                    _revoked.TryRemove(nonce, out _);
                }
            }
        }

        _revoked[session.Nonce] = session.IssuedAt + DashboardConstants.SessionLifetime;
    }

    /// <summary>The anti-forgery token of a session: the page reads it from its data and sends it back on every change it asks for.</summary>
    public string CsrfToken(DashboardSession session) => Base64Url.EncodeToString(Mac(_csrfKey.Value, session.Nonce));

    /// <summary>Checks an anti-forgery token against the session's, in constant time.</summary>
    public bool VerifyCsrf(DashboardSession session, string? presented)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > 64 || !Base64Url.IsValid(presented))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(presented), Mac(_csrfKey.Value, session.Nonce));
    }

    /// <summary>The session cookie's value as the browser keeps it: HttpOnly, SameSite=Strict, path /dashboard, Secure over HTTPS.</summary>
    public static CookieOptions CookieOptions(HttpRequest request, TimeSpan? maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = DashboardConstants.Path,
        MaxAge = maxAge,
        IsEssential = true,
    };

    private static byte[] Mac(byte[] key, string payload) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload));
}

/// <summary>A signed-in operator's session: its nonce (what signing out revokes) and when it began.</summary>
internal sealed record DashboardSession(string Nonce, DateTimeOffset IssuedAt);
