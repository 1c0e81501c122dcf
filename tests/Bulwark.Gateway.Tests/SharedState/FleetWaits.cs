using System.Net;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.SharedState;

/// <summary>The bounded waits the fleet tests share: a gateway back on Redis, its settlements on Redis, and a fresh per-minute window.</summary>
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

    /// <summary>
    /// Polls until the gateway has ended every request and every budget settlement has reached Redis. A test that restarts
    /// Redis waits for it first: a settlement still queued at the restart is counted again on top of the ledger's seed (a
    /// gap the README names), which such a test is not about.
    /// </summary>
    public static Task SettledAsync(GatewayUnderTest gateway)
    {
        var budgets = (FleetBudgets)gateway.Services.GetRequiredService<IBudgetFleet>();
        return Bulwark.Tests.Shared.Poll.UntilAsync(
            () => gateway.ActiveRequests == 0 && budgets.PendingSettlements == 0,
            "every request to end and every settlement to reach Redis",
            TimeSpan.FromSeconds(30));
    }

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
