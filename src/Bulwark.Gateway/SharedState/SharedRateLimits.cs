using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Bulwark.Storage.Redis;
using Bulwark.Storage.Redis.RateLimiting;

namespace Bulwark.Gateway.SharedState;

/// <summary>Per-client request rates counted on Redis for the whole fleet (<c>Bulwark:SharedState</c> with Provider Redis).</summary>
internal sealed class SharedRateLimits(RedisConnection connection, SharedStateFailureMode onRedisFailure)
{
    /// <summary>Creates the fleet-wide per-minute limiter of one client of one route.</summary>
    /// <param name="partition">The route's limiter key and the client's key; only its SHA-256 reaches Redis (it may hold an IP address or a user).</param>
    /// <param name="perMinute">Requests per minute for the fleet.</param>
    public RateLimiter PerMinute(string partition, int perMinute) => new RedisFixedWindowRateLimiter(connection, new RedisFixedWindowRateLimiterOptions
    {
        PermitLimit = perMinute,
        Window = TimeSpan.FromMinutes(1),
        Key = "client:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partition))),
        OnRedisFailure = onRedisFailure,
    });
}
