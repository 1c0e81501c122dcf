using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Configuration;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Limits;

/// <summary>
/// Tells clients apart for per-client limits: by API key (the <c>Authorization</c> header's bearer token, else
/// <c>X-Api-Key</c>), of which only a SHA-256 prefix is kept, so the key itself is never held or logged; else by IP. On a
/// route that identifies its clients (<c>Clients: Keys</c> or <c>TrustedHeader</c>), by the key id or the user instead.
/// </summary>
internal static class ClientKey
{
    private const string BearerPrefix = "Bearer ";

    public static string Of(HttpContext context)
    {
        // A client the route identified (its gateway-issued key, or the trusted user header) is counted as itself.
        if (context.Features.Get<Clients.ClientIdentity>() is { } identity)
        {
            return identity.LimiterKey;
        }

        var headers = context.Request.Headers;
        string? key = null;
        string? authorization = headers[HeaderNames.Authorization];
        if (!string.IsNullOrWhiteSpace(authorization))
        {
            key = authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
                ? authorization[BearerPrefix.Length..].Trim()
                : authorization.Trim();
        }
        else if (headers[LimitsConstants.ApiKeyHeader].ToString() is { Length: > 0 } apiKey && !string.IsNullOrWhiteSpace(apiKey))
        {
            key = apiKey.Trim();
        }

        if (key is { Length: > 0 })
        {
            return "key:" + Hash(key);
        }

        return "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private static string Hash(string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Convert.ToHexString(hash[..16]);
    }
}
