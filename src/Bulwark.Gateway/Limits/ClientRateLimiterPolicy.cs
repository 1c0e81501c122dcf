using System.Threading.RateLimiting;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.SharedState;
using Microsoft.AspNetCore.RateLimiting;

namespace Bulwark.Gateway.Limits;

/// <summary>
/// One route's per-client limits as an ASP.NET Core rate limiter policy: a fixed one-minute window and a concurrency
/// limit per client, neither queueing, rejected with 429 problem+json and <c>Retry-After</c>. With shared state on Redis,
/// the one-minute window is counted for the whole fleet; the concurrency limit stays per instance.
/// </summary>
internal sealed class ClientRateLimiterPolicy : IRateLimiterPolicy<string>
{
    private readonly string _prefix;
    private readonly int _perMinute;
    private readonly int _concurrency;
    private readonly SharedRateLimits? _shared;

    public ClientRateLimiterPolicy(GatewayRoute route, SharedRateLimits? shared = null)
    {
        _shared = shared;
        // Policies attached to endpoints share one partition space: the route's key (methods, path, limits) keeps routes'
        // clients apart, and lets a route that a reload leaves as it was keep its clients' counts.
        _prefix = route.LimiterKey;
        _perMinute = route.RequestsPerMinutePerClient;
        _concurrency = route.ConcurrencyPerClient;
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = static (rejected, _) => WriteRejectionAsync(rejected);

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.Get(_prefix + ClientKey.Of(httpContext), CreateLimiter);

    private RateLimiter CreateLimiter(string partition)
    {
        RateLimiter? perMinute = _perMinute > 0
            ? _shared?.PerMinute(partition, _perMinute) ?? new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = _perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : null;
        RateLimiter? concurrency = _concurrency > 0
            ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = _concurrency, QueueLimit = 0 })
            : null;
        return (perMinute, concurrency) switch
        {
            // The local concurrency limit first: a request it refuses does not spend a permit of the fleet's window.
            ({ } a, { } b) => RateLimiter.CreateChained(b, a),
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => throw new InvalidOperationException("A route without per-client limits has no rate limiter policy."),
        };
    }

    private static ValueTask WriteRejectionAsync(OnRejectedContext rejected)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var hint) && hint > TimeSpan.Zero
            ? hint
            : LimitsConstants.DefaultRetryAfter;
        if (context.Features.Get<Bulwark.AspNetCore.Requests.BulwarkRequestFeature>() is { } feature)
        {
            feature.ErrorType = "rate-limited";
        }

        var problem = GatewayProblem.TooManyRequests(RequestCorrelation.IdOf(context.Request), retryAfter);
        return new ValueTask(problem.WriteAsync(context, 0));
    }
}
