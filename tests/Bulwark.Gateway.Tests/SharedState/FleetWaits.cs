using System.Net;

namespace Bulwark.Gateway.Tests.SharedState;

/// <summary>The bounded waits the fleet tests share: a gateway back on Redis, and a fresh per-minute window.</summary>
internal static class FleetWaits
{
    /// <summary>Polls the gateway's readiness until it no longer reports shared state degraded (Redis reached again).</summary>
    public static Task BackOnRedisAsync(Uri gateway) =>
        Bulwark.Tests.Shared.Poll.UntilAsync(
            async () =>
            {
                using var probe = new HttpClient { BaseAddress = gateway };
                using var ready = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return ready.StatusCode == HttpStatusCode.OK && !(await ready.Content.ReadAsStringAsync()).Contains("Degraded", StringComparison.OrdinalIgnoreCase);
            },
            "the gateway to reach Redis again",
            TimeSpan.FromSeconds(30));

    /// <summary>Per-minute windows are aligned on Redis's clock: when under 15 s of this minute are left, waits for the next.</summary>
    public static async Task FreshMinuteAsync(string redisConfiguration)
    {
        await using var connection = Bulwark.Storage.Redis.RedisConnection.Create(new() { Configuration = redisConfiguration });
        var probe = new Bulwark.Storage.Redis.RateLimiting.RedisFixedWindowRateLimiter(connection, new() { PermitLimit = 1, Key = "probe" });
        (await probe.AcquireAsync()).Dispose();
        using var refused = await probe.AcquireAsync();
        Assert.True(refused.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var left));
        if (left < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(left + TimeSpan.FromMilliseconds(100));
        }
    }
}
