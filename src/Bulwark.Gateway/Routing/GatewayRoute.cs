using Bulwark.Failover;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Routing;

/// <summary>A configured route at run time: its providers in failover order and the chain that runs them.</summary>
internal sealed class GatewayRoute
{
    public GatewayRoute(GatewayRouteOptions options, IReadOnlyList<GatewayProvider> providers, TimeProvider timeProvider, GatewayLimitsOptions? limits = null, long maxBufferedBodyBytes = GatewayConstants.DefaultMaxBufferedBodyBytes)
    {
        MaxBufferedBodyBytes = maxBufferedBodyBytes;
        RequestsPerMinutePerClient = options.RateLimit?.RequestsPerMinutePerClient ?? limits?.RequestsPerMinutePerClient ?? 0;
        ConcurrencyPerClient = options.RateLimit?.ConcurrencyPerClient ?? limits?.ConcurrencyPerClient ?? 0;
        Path = options.Path!;
        Idempotent = options.Idempotent;
        Methods = [.. options.Methods.Select(m => m.ToUpperInvariant())];
        Timeout = options.Timeout;
        Deferral = options.OnFailure == RouteFailureMode.Defer ? options.Defer : null;
        Providers = providers;
        MaxAttempts = options.MaxAttempts ?? Math.Min(providers.Sum(p => p.Failover.MaxAttempts), GatewayConstants.MaxRouteAttempts);
        Fallback = Bulwark.Gateway.Fallback.RouteFallback.Create(options.Fallback, providers.Select(static p => p.Pipeline.Fallback), timeProvider);
        Chain = new FailoverExecutor<ForwardedResponse>(
            providers.Select(p => p.Failover),
            new FailoverOptions<ForwardedResponse> { TimeProvider = timeProvider, MaxAttempts = Math.Max(MaxAttempts, providers.Count) });
    }

    public string Path { get; }

    public bool Idempotent { get; }

    public IReadOnlyList<string> Methods { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Gets the route's attempt allowance over all its providers (<c>Routes[]:MaxAttempts</c>, by default the sum of theirs).</summary>
    public int MaxAttempts { get; }

    /// <summary>Gets how the route defers requests every provider failed, or <see langword="null"/> when it does not.</summary>
    public GatewayDeferralOptions? Deferral { get; }

    public IReadOnlyList<GatewayProvider> Providers { get; }

    /// <summary>Gets what the route answers when every attempt failed (its own <c>Fallback</c>, else its first provider pipeline's), or <see langword="null"/>.</summary>
    public Bulwark.Gateway.Fallback.RouteFallback? Fallback { get; }

    public FailoverExecutor<ForwardedResponse> Chain { get; }

    /// <summary>Gets the largest body buffered for re-sending (<c>Bulwark:MaxBufferedBodyBytes</c> of the route's configuration).</summary>
    public long MaxBufferedBodyBytes { get; }

    /// <summary>
    /// Gets what tells this route's per-client limiter partitions apart from other routes': its methods, path and limits.
    /// A reload that keeps all three keeps the clients' windows and concurrency counts; one that changes any starts afresh.
    /// </summary>
    public string LimiterKey => string.Join(',', Methods) + " " + Path + "|" + RequestsPerMinutePerClient.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + "|" + ConcurrencyPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|";

    /// <summary>Finds one of the route's providers by name, or <see langword="null"/>.</summary>
    public GatewayProvider? FindProvider(string name)
    {
        // Indexed: a foreach over the IReadOnlyList would box its enumerator on every request.
        for (int i = 0; i < Providers.Count; i++)
        {
            if (string.Equals(Providers[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return Providers[i];
            }
        }

        return null;
    }

    /// <summary>Gets the requests per minute one client may start on this route; 0 is no limit.</summary>
    public int RequestsPerMinutePerClient { get; }

    /// <summary>Gets the requests one client may have in flight on this route; 0 is no limit.</summary>
    public int ConcurrencyPerClient { get; }
}
