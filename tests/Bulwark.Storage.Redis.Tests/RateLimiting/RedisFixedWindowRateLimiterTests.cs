using System.Diagnostics;
using System.Net;
using System.Threading.RateLimiting;
using Bulwark.Storage.Redis.RateLimiting;
using Bulwark.Storage.Redis.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Storage.Redis.Tests.RateLimiting;

/// <summary>A limit shared by instances on a real Redis: exact for the fleet, refusing nothing it should grant, bounded when Redis is gone.</summary>
public sealed class RedisFixedWindowRateLimiterTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private readonly List<RedisConnection> _connections = [];

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ThreeInstances_300ConcurrentRequests_ALimitOf100PerMinute_GrantsExactly100()
    {
        var limiters = Enumerable.Range(0, 3).Select(_ => Limiter(new() { PermitLimit = 100, Key = "client-1" })).ToArray();
        await WaitForAFreshMinuteAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var acquiring = Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
        {
            await start.Task;
            using var lease = await limiters[i % 3].AcquireAsync();
            return lease.IsAcquired;
        })).ToArray();
        start.SetResult();
        var granted = await Task.WhenAll(acquiring).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(100, granted.Count(g => g));
        Assert.Equal(100, limiters.Sum(l => l.GetStatistics()!.TotalSuccessfulLeases));
        Assert.Equal(200, limiters.Sum(l => l.GetStatistics()!.TotalFailedLeases));
    }

    [Fact]
    public async Task Refused_CarriesTheTimeLeftInTheWindow_AndTheNextWindowGrantsAgain_WithoutCountingRefusals()
    {
        var limiter = Limiter(new() { PermitLimit = 3, Window = TimeSpan.FromSeconds(1), Key = "client-2" });

        // Windows are aligned on Redis's clock: the run starts early in one, so a slow machine does not straddle two.
        var probe = Limiter(new() { PermitLimit = 1, Window = TimeSpan.FromSeconds(1), Key = "window-probe" });
        (await probe.AcquireAsync()).Dispose();
        using (var late = await probe.AcquireAsync())
        {
            if (late.TryGetMetadata(MetadataName.RetryAfter, out var left) && left < TimeSpan.FromMilliseconds(700))
            {
                await Task.Delay(left + TimeSpan.FromMilliseconds(20));
            }
        }

        int granted = 0;
        RateLimitLease refused;
        while (true)
        {
            var lease = await limiter.AcquireAsync();
            if (!lease.IsAcquired)
            {
                refused = lease;
                break;
            }

            granted++;
        }

        Assert.InRange(granted, 1, 3); // fewer when the run started late in a window
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.False(limiter.AttemptAcquire().IsAcquired); // never decided without Redis
        await Task.Delay(retryAfter + TimeSpan.FromMilliseconds(50));
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await limiter.AcquireAsync()).IsAcquired, "refused requests must not have used the new window's permits");
        }
    }

    [Fact]
    public async Task IdleDuration_IsNullWithinAWindowOfTheLastAcquisition_ThenTheTimeSinceIt_SoPartitionsOfGoneClientsAreDropped()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var limiter = new RedisFixedWindowRateLimiter(Connect(), new() { PermitLimit = 5, Key = "client-idle" }, time);
        Assert.Null(limiter.IdleDuration);

        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(TimeSpan.FromSeconds(61), limiter.IdleDuration);

        (await limiter.AcquireAsync()).Dispose();
        Assert.Null(limiter.IdleDuration);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(limiter.IdleDuration);
    }

    [Theory]
    [InlineData(SharedStateFailureMode.FailOpen, true)]
    [InlineData(SharedStateFailureMode.FailClosed, false)]
    public async Task RedisGone_DecidesAsConfigured_WithinTheOperationTimeout_AndSaysWhy(SharedStateFailureMode mode, bool served)
    {
        var limiter = Limiter(new() { PermitLimit = 100, Key = "client-3", OnRedisFailure = mode });
        Assert.True((await limiter.AcquireAsync()).IsAcquired);
        await _redis.StopAsync();
        var clock = Stopwatch.StartNew();

        using var lease = await limiter.AcquireAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Equal(served, lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var reason));
        Assert.Contains("could not be checked", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InAspNetCoresMiddleware_TwoAppsSharingALimitOf10_Serve10Of30RequestsBetweenThem()
    {
        await WaitForAFreshMinuteAsync();
        await using var one = await AppAsync();
        await using var two = await AppAsync();
        using var client = new HttpClient();
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 30; i++)
        {
            using var response = await client.GetAsync(new Uri((i % 2 == 0 ? one : two).Urls.Single() + "/"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(20, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    private async Task<WebApplication> AppAsync()
    {
        var connection = Connect();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy("shared", context => RateLimitPartition.Get("client-4", key =>
                new RedisFixedWindowRateLimiter(connection, new RedisFixedWindowRateLimiterOptions { PermitLimit = 10, Key = key })));
        });
        var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/", () => "ok").RequireRateLimiting("shared");
        await app.StartAsync();
        return app;
    }

    /// <summary>
    /// Windows are aligned on Redis's clock: when less than 15 s are left in the current minute, waits for the next one, so
    /// that a test counts one window. The time left is Redis's own answer (a refused lease's Retry-After).
    /// </summary>
    private async Task WaitForAFreshMinuteAsync()
    {
        var probe = Limiter(new() { PermitLimit = 1, Key = "probe-" + Guid.NewGuid().ToString("N") });
        await probe.AcquireAsync();
        using var refused = await probe.AcquireAsync();
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var left));
        if (left < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(left + TimeSpan.FromMilliseconds(100));
        }
    }

    private RedisFixedWindowRateLimiter Limiter(RedisFixedWindowRateLimiterOptions options) => new(Connect(), options);

    private RedisConnection Connect()
    {
        var connection = RedisConnection.Create(new RedisSharedStateOptions { Configuration = _redis.Configuration });
        _connections.Add(connection);
        return connection;
    }
}
